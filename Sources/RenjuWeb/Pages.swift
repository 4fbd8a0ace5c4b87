import Foundation
import Hummingbird
import Mustache
import Yams
import RenjuModel

/// The page templates (`templates/web/*.mustache`), their strings in both languages
/// (`strings.yaml`) and the desk's own static files (`static/`), loaded once at start.
struct Pages: Sendable {
    let library: MustacheLibrary
    let strings: [Language: [String: String]]
    let statics: [String: (type: String, bytes: Data)]

    static func load(folder: String) async throws -> Pages {
        let library: MustacheLibrary
        do { library = try await MustacheLibrary(directory: folder) } catch {
            throw WebSetupError("\(folder): a page template does not parse: \(error)")
        }
        for name in ["login", "desk", "submission", "board", "ranking", "history", "rule", "error", "accounts"] where library.getTemplate(named: name) == nil {
            throw WebSetupError("\(folder)/\(name).mustache is missing")
        }
        let stringsPath = (folder as NSString).appendingPathComponent("strings.yaml")
        guard let text = try? String(contentsOfFile: stringsPath, encoding: .utf8),
              let doc = try Yams.load(yaml: text) as? [String: Any] else { throw WebSetupError("\(stringsPath) is missing or not a mapping") }
        var strings: [Language: [String: String]] = [.zh: [:], .en: [:]]
        for (key, value) in doc {
            guard let pair = value as? [String: Any], let zh = pair["zh"] as? String, let en = pair["en"] as? String, pair.count == 2 else {
                throw WebSetupError("\(stringsPath): \(key) needs exactly zh: and en:")
            }
            strings[.zh]?[key] = zh; strings[.en]?[key] = en
        }
        var statics: [String: (String, Data)] = [:]
        let staticDir = (folder as NSString).appendingPathComponent("static")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: staticDir)) ?? [] {
            let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : name.hasSuffix(".js") ? "text/javascript; charset=utf-8"
                : name.hasSuffix(".svg") ? "image/svg+xml" : nil
            guard let type, let data = FileManager.default.contents(atPath: (staticDir as NSString).appendingPathComponent(name)) else { continue }
            statics[name] = (type, data)
        }
        return Pages(library: library, strings: strings, statics: statics)
    }

    func t(_ lang: Language) -> [String: String] { strings[lang] ?? [:] }

    /// A sentence of the strings file in a language, its `{name}` placeholders filled in (the
    /// desk's copy lives in templates/web/strings.yaml, not in code).
    func say(_ key: String, _ lang: Language, _ values: [String: String] = [:]) -> String {
        var text = t(lang)[key] ?? key
        for (name, value) in values.sorted(by: { $0.key < $1.key }) { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// What every page reads besides its model: the words, the language and its switches.
    func shared(_ lang: Language) -> [String: Any] {
        ["t": t(lang), "lang": lang == .en ? "en" : "zh-CN", "en": lang == .en, "q": lang == .en ? "?lang=en" : "",
         "amp": lang == .en ? "&lang=en" : "", "otherLang": lang == .en ? "?lang=zh" : "?lang=en"]
    }

    /// A signed-in page: its view model, the frame, the shared words.
    func page(_ template: String, _ frame: PageFrame, _ model: some Sendable, lang: Language, status: HTTPResponse.Status = .ok) -> Response {
        render(template, PageContext(layers: [model, frame], shared: shared(lang)), status: status)
    }

    /// A page outside a session (sign-in, an error): a few plain values.
    func html(_ template: String, _ context: [String: Any], lang: Language, status: HTTPResponse.Status = .ok) -> Response {
        render(template, context.merging(shared(lang)) { own, _ in own }, status: status)
    }

    private func render(_ template: String, _ context: Any, status: HTTPResponse.Status) -> Response {
        let body = library.render(context, withTemplate: template) ?? "template \(template) failed"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func loginPage(lang: Language, message: String?) -> Response {
        var ctx: [String: Any] = [:]
        if let message { ctx["message"] = message }
        return html("login", ctx, lang: lang)
    }

    func errorPage(status: HTTPResponse.Status, message: String, lang: Language) -> Response {
        html("error", ["status": Int(status.code), "message": message], lang: lang, status: status)
    }

    /// One of the desk's own files by its name (never a path: only names found at start).
    func staticFile(_ name: String) -> Response {
        guard let f = statics[name] else { return Response(status: .notFound) }
        return Response(status: .ok, headers: [.contentType: f.type, .cacheControl: "max-age=3600"], body: .init(byteBuffer: ByteBuffer(bytes: f.bytes)))
    }
}

struct WebSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
