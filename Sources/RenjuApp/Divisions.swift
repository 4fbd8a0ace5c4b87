import Foundation
import RenjuModel
import RenjuReference

extension Workspace {
    /// The change table two divisions files suggest (last year's and this year's), for a person to confirm.
    public static func divisionDiff(old: String, new: String, effective: CivilDate) throws -> DivisionDiff.Result {
        func load(_ path: String) throws -> DivisionTree {
            guard FileManager.default.fileExists(atPath: path) else {
                throw AppError(zh: "找不到区划文件 \(path)", en: "no such divisions file: \(path)")
            }
            do { return try DivisionsLoader.load(paths: [path]) } catch let e as ReferenceError {
                throw AppError(zh: "区划文件有误：\(e)", en: "divisions file: \(e)")
            }
        }
        return DivisionDiff.propose(old: try load(old), new: try load(new), effective: effective)
    }
}
