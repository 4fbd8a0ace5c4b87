// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Renju",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "renju", targets: ["renju"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // The web desk: HTTP server, bcrypt, page templates.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
        // A province's store on a PostgreSQL server.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // libxlsxwriter (Debian: libxlsxwriter-dev), found through pkg-config.
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // zlib (Debian zlib1g-dev, installed with libxlsxwriter-dev), for inflating workbook parts
        // with a hard end: ZIPFoundation's inflate loops for ever on a truncated stream.
        .systemLibrary(name: "CRenjuZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // GLPK (Debian libglpk-dev, no pkg-config file): the exact solver of the rule-set analysis
        // and of error localisation.
        .systemLibrary(name: "CGLPK", providers: [.apt(["libglpk-dev"])]),
        // SM2/SM3 signatures (国密) through the system's OpenSSL 3 (Debian libssl-dev).
        .target(name: "CRenjuSM2", linkerSettings: [.linkedLibrary("crypto")]),
        // Domain model: units, periods, indicators, values, roll-up, findings, sign-offs.
        .target(name: "RenjuModel"),
        // Text as files hold it: encodings (UTF-8, UTF-16, GB18030), CSV records, numbers as typed.
        // Below both the form reader and the reference loaders.
        .target(name: "RenjuText"),
        // Reference data: catalog, divisions, targets, check settings, sign-off chains (files → model).
        .target(name: "RenjuReference", dependencies: ["RenjuModel", "RenjuText", "Yams"]),
        // Reading: CSV / xlsx / encodings / cell normalisation → submissions.
        // (ZIPFoundation writes the tests' fixture packages; reading has its own zip parts on zlib.)
        .target(name: "RenjuReading", dependencies: ["RenjuModel", "RenjuText", "CRenjuZlib"]),
        // Checks: each rule a small value that can be listed, run and explained.
        .target(name: "RenjuChecks", dependencies: [
            "RenjuModel", "RenjuReference", "CRenjuSM2",
            // SHA-256 content digests and Ed25519 signatures of sign-offs (SM2 through CRenjuSM2).
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Editing: rules as linear logic — the rule set's own analysis (infeasible, redundant,
        // implied bounds) and Fellegi–Holt error localisation (which figure to fix), on GLPK.
        .target(name: "RenjuEditing", dependencies: ["RenjuModel", "RenjuReference", "RenjuChecks", "CGLPK"]),
        // On-site checks (抽查): the sample design (risk and random parts, inclusion probabilities)
        // and what inspections say of the rules (hit rates).
        .target(name: "RenjuInspection", dependencies: ["RenjuModel"]),
        // Ranking (排名): scores, 流动红旗, 黄牌, the admonishment alert, from ranking.yaml.
        .target(name: "RenjuRanking", dependencies: ["RenjuModel", "RenjuReference", "RenjuChecks"]),
        // Reports as text and JSON: pure renderers of results, no file format library.
        .target(name: "RenjuReport", dependencies: ["RenjuModel", "RenjuChecks", "RenjuRanking", "RenjuEditing", "RenjuInspection"]),
        // Synthetic returns at any scale (`renju synth`, the benchmarks).
        .target(name: "RenjuSynth", dependencies: ["RenjuModel", "RenjuReference"]),
        // The store's contract: the protocols (async) every backend implements and the values they
        // pass (records of imports, submissions, events, samples) — no database library.
        .target(name: "RenjuStoreCore", dependencies: ["RenjuModel", .product(name: "Crypto", package: "swift-crypto")]),
        // Store: the history of accepted figures, sign-offs, explanations and findings (SQLite via GRDB).
        .target(name: "RenjuStore", dependencies: ["RenjuModel", "RenjuStoreCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // The same store on a PostgreSQL server (postgres-nio): COPY for bulk imports, an advisory
        // lock per unit and period so that concurrent imports never mix.
        .target(name: "RenjuPostgres", dependencies: [
            "RenjuModel", "RenjuStoreCore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        // Export: the workbooks (return, collection form, findings, bulletin) through libxlsxwriter.
        .target(name: "RenjuExport", dependencies: ["RenjuModel", "RenjuReference", "RenjuChecks", "RenjuRanking", "RenjuInspection", "CXlsxWriter"]),
        // The application layer: the use cases every front end calls (validate, export, sign, rank,
        // import, history), typed inputs and results, one error type.
        .target(name: "RenjuApp", dependencies: ["RenjuModel", "RenjuReference", "RenjuReading", "RenjuChecks", "RenjuEditing", "RenjuInspection", "RenjuRanking", "RenjuStoreCore", "RenjuStore", "RenjuPostgres", "RenjuReport", "RenjuExport", "RenjuSynth"]),
        // The web desk (`renju serve`): Hummingbird handlers calling the application layer, pages
        // from templates/web (Mustache), accounts, sessions, CSRF, one authorization policy.
        .target(name: "RenjuWeb", dependencies: [
            "RenjuModel", "RenjuReference", "RenjuChecks", "RenjuStoreCore", "RenjuReport", "RenjuApp", "Yams",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HummingbirdHTTP2", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        // The command line: parse → call the application layer → render → exit status.
        .executableTarget(
            name: "renju",
            dependencies: [
                "RenjuModel", "RenjuReference", "RenjuReading", "RenjuChecks", "RenjuRanking", "RenjuStoreCore", "RenjuReport", "RenjuExport", "RenjuApp", "RenjuWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (release build): export, and later read and validate at scale.
        .executableTarget(name: "renju-bench", dependencies: ["RenjuModel", "RenjuText", "RenjuReading", "RenjuReference", "RenjuChecks", "RenjuEditing", "RenjuExport", "RenjuSynth", "RenjuApp"]),
        // Fuzzing harness: built with -sanitize=fuzzer by scripts/fuzz.sh; in a normal build it
        // replays a corpus (the regression inputs under Fuzz/corpus) through the same code.
        .executableTarget(name: "renju-fuzz", dependencies: ["RenjuModel", "RenjuText", "RenjuReading", "RenjuReference"]),
        // Tests: one target per module, testing its module in process, on shared fixtures (a small
        // county, workbooks written with libxlsxwriter or by hand), and the command line end to end
        // (RenjuCLITests). Four module suites also run the binary, each for a reason it states:
        // Reading (the same file read by separate processes gives the same report; `show` on
        // foreign forms), Reference (a typo in reference data as the user meets it), Export (a
        // process killed mid-write leaves no partial workbook), Web (the desk and the command line
        // give the same report and audit trail; an admin's `renju user unlock` reaches the desk).
        .target(
            name: "RenjuTestSupport",
            dependencies: ["RenjuModel", "RenjuReading", "RenjuReference", "RenjuChecks", "ZIPFoundation", "CXlsxWriter"],
            path: "Tests/RenjuTestSupport"
        ),
        // A throw-away database on the test server, for the two suites that run on PostgreSQL:
        // only they link postgres-nio.
        .target(name: "RenjuPostgresTestSupport", dependencies: ["RenjuPostgres"], path: "Tests/RenjuPostgresTestSupport"),
        .testTarget(name: "RenjuModelTests", dependencies: ["RenjuTestSupport", "RenjuModel", "RenjuReading"]),
        .testTarget(name: "RenjuReadingTests", dependencies: ["RenjuTestSupport", "RenjuModel", "RenjuReading", "RenjuReference", "RenjuChecks", "renju"]),
        .testTarget(name: "RenjuReferenceTests", dependencies: ["RenjuTestSupport", "RenjuModel", "RenjuText", "RenjuReference", "renju"]),
        .testTarget(name: "RenjuChecksTests", dependencies: ["RenjuTestSupport", "RenjuModel", "RenjuReading", "RenjuReference", "RenjuChecks"]),
        .testTarget(name: "RenjuInspectionTests", dependencies: ["RenjuModel", "RenjuInspection"]),
        .testTarget(name: "RenjuEditingTests", dependencies: ["RenjuTestSupport", "RenjuModel", "RenjuReading", "RenjuReference", "RenjuChecks", "RenjuEditing", "RenjuReport", "RenjuInspection"]),
        .testTarget(name: "RenjuExportTests", dependencies: ["RenjuTestSupport", "RenjuModel", "RenjuReading", "RenjuReference", "RenjuChecks", "RenjuExport", "renju"]),
        .testTarget(name: "RenjuStoreTests", dependencies: [
            "RenjuTestSupport", "RenjuPostgresTestSupport", "RenjuModel", "RenjuReading", "RenjuReference", "RenjuChecks", "RenjuStoreCore", "RenjuStore", "RenjuPostgres",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "RenjuAppTests", dependencies: ["RenjuTestSupport", "RenjuModel", "RenjuReference", "RenjuStoreCore", "RenjuApp"]),
        .testTarget(name: "RenjuWebTests", dependencies: [
            "RenjuTestSupport", "RenjuPostgresTestSupport", "RenjuModel", "RenjuStoreCore", "RenjuStore", "RenjuPostgres", "RenjuApp", "RenjuWeb", "renju",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        // The built binary on files: exit codes, output, what a user types — and the commands over a
        // store (import, rank, sample, verify, which store a command opens), end to end.
        .testTarget(name: "RenjuCLITests", dependencies: [
            "RenjuTestSupport", "RenjuPostgresTestSupport", "RenjuModel", "RenjuReading", "RenjuReference", "RenjuChecks",
            "RenjuStoreCore", "RenjuStore", "RenjuPostgres", "RenjuApp", "renju",
        ]),
    ],
    swiftLanguageModes: [.v6]
)
