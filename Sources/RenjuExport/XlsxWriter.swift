import Foundation
import CXlsxWriter

/// The libxlsxwriter library Renju writes Excel files with.
public enum XlsxWriterLibrary {
    /// The version of the linked libxlsxwriter (e.g. `1.1.4`).
    public static var version: String {
        guard let p = lxw_version() else { return "?" }
        return String(cString: p)
    }
}
