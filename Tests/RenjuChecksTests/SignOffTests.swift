import XCTest
import RenjuTestSupport
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks

final class SignOffTests: XCTestCase {
    var reference: ReferenceData!
    override func setUpWithError() throws { reference = try testReference() }
    let town = "640422100000"

    func submission(_ text: String = cleanTownship()) throws -> Submission {
        try XCTUnwrap(readCSV(text, reference: reference).first)
    }

    func signOffs(_ sub: Submission, names: [String] = ["王五", "李四", "张三"],
                  dates: [String] = ["2025-10-03", "2025-10-05", "2025-10-08"], digest: String? = nil,
                  roles: [String] = ["填表人", "统计负责人", "单位负责人"]) throws -> [SignOff] {
        let d = digest ?? ContentDigest.of(sub)
        return try zip(zip(roles, names), dates).map { pair, date in
            SignOff(unit: try XCTUnwrap(UnitCode(town)), period: Period(year: 2025, quarter: 3), role: pair.0, name: pair.1,
                    date: CivilDate.parse(date), digest: d, source: SourceRef(file: "s.csv"))
        }
    }

    func check(_ sub: Submission, _ offs: [SignOff], asOf: String = "2025-10-31", ref: ReferenceData? = nil) -> ValidationResult {
        Validator(reference: ref ?? reference).validate(submissions: [sub], signOffs: offs, asOf: CivilDate.parse(asOf))
    }

    func signoffRules(_ r: ValidationResult) -> [String] {
        r.findings.filter { $0.rule.category == .signoff }.map(\.rule.description).sorted()
    }

    func testACompleteChainInOrderOnTimeOverTheSameFiguresPasses() throws {
        let sub = try submission()
        XCTAssertEqual(signoffRules(check(sub, try signOffs(sub))), [])
    }

    func testMissingRole() throws {
        let sub = try submission()
        let offs = try signOffs(sub, names: ["王五", "张三"], dates: ["2025-10-03", "2025-10-08"], roles: ["填表人", "单位负责人"])
        let r = check(sub, offs)
        XCTAssertEqual(signoffRules(r), ["signoff.missing_role"])
        XCTAssertTrue(r.findings.first { $0.rule.description == "signoff.missing_role" }?.message.zh.contains("统计负责人") ?? false)
        XCTAssertEqual(signoffRules(check(sub, [])), ["signoff.missing_role"], "no sign-off at all")
    }

    func testAliasFromTheChainFileCountsAsTheRole() throws {
        let sub = try submission()
        let offs = try signOffs(sub, roles: ["填表人", "审核人", "单位负责人"])
        XCTAssertEqual(signoffRules(check(sub, offs)), [], "审核人 is an alias of 统计负责人 in signoff.yaml")
    }

    func testOnePersonInTwoRoles() throws {
        let sub = try submission()
        XCTAssertEqual(signoffRules(check(sub, try signOffs(sub, names: ["王五", "李四", "王五"]))), ["signoff.same_person"])
    }

    func testDatesOutOfChainOrder() throws {
        let sub = try submission()
        XCTAssertEqual(signoffRules(check(sub, try signOffs(sub, dates: ["2025-10-03", "2025-10-05", "2025-09-29"]))), ["signoff.order"])
        XCTAssertEqual(signoffRules(check(sub, try signOffs(sub, dates: ["2025-10-03", "2025-10-03", "2025-10-03"]))), [], "same day is in order")
    }

    func testSignedAfterTheDeadlineIsAWarning() throws {
        let sub = try submission()
        let onTime = try signOffs(sub, dates: ["2025-10-03", "2025-10-05", "2025-10-10"])
        XCTAssertEqual(signoffRules(check(sub, onTime)), [], "period end + 10 days is still on time")
        let r = check(sub, try signOffs(sub, dates: ["2025-10-03", "2025-10-05", "2025-10-17"]))
        XCTAssertEqual(signoffRules(r), ["signoff.late"])
        XCTAssertEqual(r.findings.first?.severity, .warning)
        XCTAssertTrue(r.findings.first?.message.zh.contains("逾期 7 天") ?? false)
    }

    func testDateInTheFutureOfAsOf() throws {
        let sub = try submission()
        let r = check(sub, try signOffs(sub, dates: ["2025-10-03", "2025-10-05", "2025-10-08"]), asOf: "2025-10-06")
        XCTAssertEqual(signoffRules(r), ["signoff.future"])
    }

    func testDigestThatDoesNotMatchTheFigures() throws {
        let sub = try submission()
        let r = check(sub, try signOffs(sub, digest: String(repeating: "0", count: 64)))
        XCTAssertEqual(signoffRules(r), ["signoff.digest"])
        XCTAssertEqual(r.findings.first?.severity, .error)
    }

    func testChangingAnySingleFigureAfterSigningIsDetected() throws {
        // Property: for random single edits of a signed submission, the digest check fires.
        let original = try submission()
        let offs = try signOffs(original)
        var rng = SystemRandomNumberGenerator()
        let cells = original.values.units.flatMap { u in original.values.entries(of: u).map { (u, $0.indicator) } }
        XCTAssertGreaterThan(cells.count, 60)
        for _ in 0..<200 {
            var edited = original
            let (u, id) = cells.randomElement(using: &rng)!
            let old = try XCTUnwrap(edited.values[u, id])
            let delta = [0.01, 0.1, 1, -1, 10, 0.5].randomElement(using: &rng)!
            edited.values.set(u, id, Observation(old + delta))
            let r = check(edited, offs)
            XCTAssertTrue(signoffRules(r).contains("signoff.digest"), "editing \(u) \(id) by \(delta) went unnoticed")
        }
        XCTAssertFalse(signoffRules(check(original, offs)).contains("signoff.digest"))
    }

    func testSameFiguresInThreeLayoutsGiveOneDigest() throws {
        let a = villageValues(), b = villageValues(households: 300, toilets: 210)
        let rows: [(String, [String: Double?])] = [(town, totalValues([a, b])), ("640422100201", a), ("640422100202", b)]
        // Long CSV.
        let long = try submission(longCSV(period: "2025Q3", rows: rows))
        // Wide CSV with Chinese titles and columns in another order, flags as 是/否, 1,234 style.
        let ids = reference.catalog.indicators.map(\.id).reversed()
        var wide = "报告期：2025年第三季度\n区划代码,单位名称," + ids.map { reference.catalog[$0]!.name + "（\(reference.catalog[$0]!.unit)）" }.joined(separator: ",") + "\n"
        for (code, vals) in rows {
            wide += "\(code),x," + ids.map { id -> String in
                guard let v = vals[id.rawValue] ?? nil else { return "" }
                if id == "garbage_system_covered", code != town { return v == 1 ? "是" : "否" }
                return v >= 1000 ? "\"\(Int(v) / 1000),\(String(format: "%03d", Int(v) % 1000))\"" : shortestDecimal(v)
            }.joined(separator: ",") + "\n"
        }
        let wideSub = try submission(wide)
        // xlsx with shared strings (libxlsxwriter), numbers as numbers.
        var sheet: [[FixtureCell?]] = [[.s("报告期:2025Q3")], [.s("unit_code")] + ids.map { .s($0.rawValue) }]
        for (code, vals) in rows { sheet.append([.s(code)] + ids.map { id in (vals[id.rawValue] ?? nil).map { .n($0) } }) }
        let url = try temporaryDirectory().appendingPathComponent("t.xlsx")
        try writeSharedStringsWorkbook(url, sheets: [("数据", sheet)])
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree))
        let xlsx = try XCTUnwrap(try loader.load(paths: [url.path], defaultPeriod: nil).submissions.first)
        let d = try XCTUnwrap(ContentDigest.of(long))
        XCTAssertEqual(ContentDigest.of(wideSub), d)
        XCTAssertEqual(ContentDigest.of(xlsx), d)
        XCTAssertEqual(d.count, 64)
        XCTAssertTrue(ContentDigest.text(of: long.values, period: Period(year: 2025, quarter: 3)).hasPrefix("2025Q3|640422100000|cleaners|"))
    }

    func testFooterAndSheetMustAgree() throws {
        var sub = try submission()
        let offs = try signOffs(sub)
        sub.signOffs = [SignOff(unit: try XCTUnwrap(UnitCode(town)), period: Period(year: 2025, quarter: 3), role: "统计负责人", name: "赵六",
                                date: CivilDate.parse("2025-10-08"), digest: nil, source: nil, fromFooter: true)]
        XCTAssertEqual(signoffRules(check(sub, offs)), ["signoff.footer_mismatch"])
    }

    func testExcelDateSerialsInADateFormattedCell() throws {
        // numFmtId 31 is a zh-CN built-in date format (yyyy"年"m"月"d"日").
        let styles = #"<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="31" applyNumberFormat="1"/></cellXfs>"#
        let data = inlineRow(0, [.s("区划代码"), .s("报告期"), .s("角色"), .s("姓名"), .s("日期")]) +
            #"<row r="2"><c r="A2" t="inlineStr"><is><t>640422100000</t></is></c><c r="B2" t="inlineStr"><is><t>2025Q3</t></is></c><c r="C2" t="inlineStr"><is><t>填表人</t></is></c><c r="D2" t="inlineStr"><is><t>王五</t></is></c><c r="E2" s="1"><v>45938</v></c></row>"#
        let url = try temporaryDirectory().appendingPathComponent("s.xlsx")
        try writeRawWorkbook(url, sheets: [("签字", data)], styles: styles)
        let loader = InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree))
        let set = try loader.load(paths: [url.path], defaultPeriod: nil)
        XCTAssertEqual(set.signOffs.first?.date, CivilDate(year: 2025, month: 10, day: 8))
    }

    /// Ed25519 and SM2 (国密) alike: each binds the signer by name, and a changed date or figure fails.
    func testSignaturesBindTheSignerByName() throws {
        for algorithm in SignOffSignature.Algorithm.allCases {
            try signaturesBindTheSigner(algorithm)
        }
    }

    func signaturesBindTheSigner(_ algorithm: SignOffSignature.Algorithm) throws {
        let sub = try submission()
        let zhang = try SignOffSignature.generate(algorithm), li = try SignOffSignature.generate(algorithm), wang = try SignOffSignature.generate(algorithm)
        XCTAssertEqual(SignOffSignature.algorithm(ofKey: zhang.publicKey), algorithm)
        var ref = reference!
        ref.keys.add(name: "张三", key: zhang.publicKey)
        ref.keys.add(name: "李四", key: li.publicKey)
        ref.keys.add(name: "王五", key: wang.publicKey)
        func signed(_ offs: [SignOff], keys: [Data]) throws -> [SignOff] {
            try zip(offs, keys).map { o, k in
                SignOff(unit: o.unit, period: o.period, role: o.role, name: o.name, date: o.date, digest: o.digest,
                        signature: try SignOffSignature.sign(o, privateKey: k), source: o.source)
            }
        }
        let offs = try signOffs(sub)
        let good = try signed(offs, keys: [wang.privateKey, li.privateKey, zhang.privateKey])
        XCTAssertEqual(signoffRules(check(sub, good, ref: ref)), [])
        // 李四 signs with 张三's key: presented under 李四's name, it fails.
        let forged = try signed(offs, keys: [wang.privateKey, zhang.privateKey, zhang.privateKey])
        let r = check(sub, forged, ref: ref)
        XCTAssertEqual(signoffRules(r), ["signoff.signature"])
        XCTAssertTrue(r.findings.first?.message.zh.contains("李四") ?? false)
        // A signed sign-off whose date is then changed no longer verifies.
        let tampered = good.map { o in
            SignOff(unit: o.unit, period: o.period, role: o.role, name: o.name, date: o.role == "填表人" ? CivilDate.parse("2025-10-01") : o.date,
                    digest: o.digest, signature: o.signature, source: o.source)
        }
        XCTAssertEqual(signoffRules(check(sub, tampered, ref: ref)), ["signoff.signature"])
        // A figure changed after signing, the digest in the sign-offs brought up to date by the
        // forger: the digest matches the figures, the signatures no longer do.
        var changed = sub
        changed.values.set(try XCTUnwrap(sub.rows.last?.code), "cleaners", Observation(99, source: nil))
        let newDigest = try XCTUnwrap(ContentDigest.of(changed))
        let forgedDigest = good.map { o in
            SignOff(unit: o.unit, period: o.period, role: o.role, name: o.name, date: o.date, digest: newDigest, signature: o.signature, source: o.source)
        }
        XCTAssertEqual(Set(signoffRules(check(changed, forgedDigest, ref: ref))), ["signoff.signature"], "\(algorithm)")
        // A signer with a registered key who signs without a signature (the signature stripped):
        // an error, not a note — a stripped row would otherwise pass for the signer.
        let stripped = check(sub, offs, ref: ref)
        XCTAssertEqual(signoffRules(stripped), ["signoff.signature_missing", "signoff.signature_missing", "signoff.signature_missing"])
        XCTAssertTrue(stripped.hasOpenError)
        // Signers without a registered key, where keys are registered for others: information only.
        var others = reference!
        others.keys.add(name: "赵六", key: zhang.publicKey)
        let plain = check(sub, offs, ref: others)
        XCTAssertEqual(signoffRules(plain), ["signoff.unsigned"])
        XCTAssertEqual(plain.findings.first?.severity, .info)
        // signatures: required in signoff.yaml: every sign-off must be signed, keys or not.
        var strict = reference!
        strict.chains.signaturesRequired = true
        XCTAssertEqual(Set(signoffRules(check(sub, offs, ref: strict))), ["signoff.signature_missing"])
    }

    /// Figures changed after signing and the signature column removed: the digest and the missing
    /// signature are both errors, so the forged submission cannot pass.
    func testSignatureStrippedAfterTheFiguresChangedIsAnError() throws {
        let sub = try submission()
        let wang = try SignOffSignature.generate()
        var ref = reference!
        ref.keys.add(name: "王五", key: wang.publicKey)
        let offs = try signOffs(sub, digest: String(repeating: "0", count: 64))
        let r = check(sub, offs, ref: ref)
        XCTAssertTrue(signoffRules(r).contains("signoff.digest"))
        XCTAssertTrue(r.findings.contains { $0.rule.description == "signoff.signature_missing" && $0.message.zh.contains("王五") })
        XCTAssertTrue(r.hasOpenError)
    }

    /// Two rows for one role that disagree: an error naming both rows, whichever comes first.
    func testTwoDisagreeingRowsForOneRoleAreAnErrorNamingBoth() throws {
        let sub = try submission()
        var offs = try signOffs(sub)
        let forged = SignOff(unit: offs[1].unit, period: offs[1].period, role: "统计负责人", name: "钱七", date: offs[1].date,
                             digest: offs[1].digest, source: SourceRef(file: "forged.csv", row: 1, column: 2))
        offs.insert(forged, at: 0)
        let r = check(sub, offs)
        let f = try XCTUnwrap(r.findings.first { $0.rule.description == "signoff.conflict" })
        XCTAssertEqual(f.severity, .error)
        XCTAssertTrue(f.message.zh.contains("forged.csv") && f.message.zh.contains("s.csv") && f.message.zh.contains("钱七") && f.message.zh.contains("李四"),
                      f.message.zh)
        // The same row twice is no conflict.
        XCTAssertFalse(signoffRules(check(sub, try signOffs(sub) + [try signOffs(sub)[0]])).contains("signoff.conflict"))
    }

    func testCountySubmissionsUseTheCountyChain() throws {
        // A county consolidation: the county row and its townships.
        let a = villageValues(), b = villageValues(households: 300, toilets: 210), c = villageValues(households: 200, toilets: 150)
        let t1 = totalValues([a, b]), t2 = totalValues([c])
        let text = longCSV(period: "2025Q3", rows: [("640422000000", totalValues([a, b, c])), (town, t1), ("640422101000", t2)])
        let sub = try submission(text)
        let county = try XCTUnwrap(UnitCode("640422000000"))
        func offs(_ roles: [String]) -> [SignOff] {
            roles.enumerated().map { i, role in
                SignOff(unit: county, period: Period(year: 2025, quarter: 3), role: role, name: "人\(i)", date: CivilDate(year: 2025, month: 10, day: 3 + i),
                        digest: ContentDigest.of(sub), source: nil)
            }
        }
        let township = check(sub, offs(["填表人", "统计负责人", "单位负责人"]))
        let missing = township.findings.first { $0.rule.description == "signoff.missing_role" }
        XCTAssertTrue(missing?.message.zh.contains("县政府分管领导") ?? false, "the county chain applies: \(missing?.message.zh ?? "none")")
        XCTAssertEqual(signoffRules(check(sub, offs(["填表人", "分管领导", "部门主要领导", "县政府分管领导"]))), [])
    }
}
