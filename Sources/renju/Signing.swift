import ArgumentParser
import Foundation
import RenjuModel
import RenjuApp
import RenjuChecks

struct Digest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the content digest (数据摘要) of each submission.",
        discussion: """
        SHA-256 over the submission's figures (SPEC §5); the same figures give the same digest \
        whatever the layout (xlsx, wide CSV, long CSV). A sign-off that carries it binds the signer \
        to exactly these figures.

          renju digest 吉强镇.xlsx
        """
    )

    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var period: PeriodOption

    @Argument(help: ArgumentHelp("Files and folders to read.", valueName: "input"))
    var inputs: [String]

    mutating func run() async throws {
        for d in try reference.workspace().digests(inputs, period: period.value) {
            say("\(d.digest)  \(d.unit?.rawValue ?? "-")  \(d.period)  \(d.file)")
        }
    }
}

struct Keygen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a key pair for signing returns: Ed25519, or SM2 with SM3 (国密, --alg sm2).",
        discussion: """
        Writes NAME.key (private: keep it to yourself) and NAME.pub (public: give it to the county \
        office, which puts it in reference-data/keys/). The folder is made when it does not exist.

          renju keygen --name 张三 --out ~/keys
        """
    )

    @Option(name: .long, help: "The signer's name, as it is written on sign-offs.")
    var name: String

    @Option(name: .long, help: ArgumentHelp("Folder to write the two files to.", valueName: "dir"))
    var out: String = "."

    @Option(name: .long, help: ArgumentHelp("ed25519 (default) or sm2 (SM2 signatures with SM3, through the system's OpenSSL 3).", valueName: "alg"))
    var alg: String = "ed25519"

    mutating func run() async throws {
        guard let algorithm = SignOffSignature.Algorithm(rawValue: alg.lowercased()) else {
            throw ValidationError("--alg: ed25519 or sm2")
        }
        let keys = try Workspace.makeKeys(name: name, in: out, algorithm: algorithm)
        say("private key: \(keys.privateKey.path)\npublic key:  \(keys.publicKey.path)  (copy it into reference-data/keys/)")
    }
}

struct Sign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a submission: write your sign-off (role, name, date, digest, signature) beside it.",
        discussion: """
        The sign-off goes into the sign-off CSV beside the submission (FILE-signoffs.csv) — never \
        into the data file; `renju validate FILE` reads it from there. A sign-off of the same unit, \
        period and role is replaced.

          renju sign --role 统计负责人 --name 李四 --key 李四.key 吉强镇.xlsx
        """
    )

    @OptionGroup var reference: ReferenceOptions

    @Option(name: .long, help: "The role you sign in (填表人, 统计负责人, 单位负责人, …).")
    var role: String

    @Option(name: .long, help: "Your name, as registered with your public key.")
    var name: String

    @Option(name: .long, help: ArgumentHelp("Your private key file (from renju keygen).", valueName: "file"))
    var key: String

    @Option(name: .long, help: ArgumentHelp("The date of signing (default: today).", valueName: "date"))
    var date: String?

    @Argument(help: ArgumentHelp("The submission to sign.", valueName: "file"))
    var file: String

    func validate() throws {
        if let date, CivilDate.parse(date) == nil { throw ValidationError("--date: “\(date)” is not a date (try 2025-10-08)") }
    }

    mutating func run() async throws {
        let when = date.flatMap(CivilDate.parse) ?? .today
        let s = try reference.workspace().sign(file, role: role, name: name, keyFile: key, date: when)
        let o = s.signOff
        say("\(o.role) \(o.name) signed \(o.unit) \(o.period?.description ?? "") on \(when): digest \(o.digest ?? "")\n→ \(s.file.path)")
    }
}
