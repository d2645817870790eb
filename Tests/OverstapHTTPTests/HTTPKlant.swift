import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A response as the tests read it.
struct Antwoord: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    var tekst: String { String(decoding: body, as: UTF8.self) }
    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var resultaten: [[String: Any]] { json["resultaten"] as? [[String: Any]] ?? [] }
    func header(_ naam: String) -> String? { headers.first(name: naam) }
}

/// A plain HTTP/1.1 client on SwiftNIO (already built for the server): one connection per request,
/// any method, header or body, including malformed ones.
struct HTTPKlant: Sendable {
    let port: Int
    var token: String?

    func met(token: String?) -> HTTPKlant { HTTPKlant(port: port, token: token) }

    func get(_ pad: String, headers: [(String, String)] = []) async throws -> Antwoord {
        try await verzoek(.GET, pad, headers: headers)
    }

    func post(_ pad: String, json: Any, headers: [(String, String)] = []) async throws -> Antwoord {
        try await verzoek(.POST, pad, headers: [("Content-Type", "application/json")] + headers,
                          body: try JSONSerialization.data(withJSONObject: json))
    }

    func verzoek(_ methode: HTTPMethod, _ pad: String, headers extra: [(String, String)] = [], body: Data? = nil) async throws -> Antwoord {
        var headers = HTTPHeaders([("Host", "127.0.0.1"), ("Connection", "close")])
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        headers.add(contentsOf: extra)
        if let body { headers.add(name: "Content-Length", value: String(body.count)) }
        let kanaal = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)  // tests send anything
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await kanaal.executeThenClose { inbound, outbound in
            // In one write: a server that answers early and closes (a 415 before the body) must not
            // leave the client failing on a later write of its own request.
            var delen: [HTTPClientRequestPart] = [.head(HTTPRequestHead(version: .http1_1, method: methode, uri: pad, headers: headers))]
            if let body { delen.append(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            delen.append(.end(nil))
            try await outbound.write(contentsOf: delen)
            var antwoord = Antwoord(status: 0, headers: [:], body: Data())
            for try await deel in inbound {
                switch deel {
                case .head(let head):
                    antwoord.status = Int(head.status.code)
                    antwoord.headers = head.headers
                case .body(let buffer): antwoord.body.append(contentsOf: buffer.readableBytesView)
                case .end: return antwoord
                }
            }
            return antwoord
        }
    }
}

extension HTTPKlant {
    /// Sends `bytes` as they are (a malformed request, half a header) and returns what the server
    /// sent until it closed the connection (`gesloten`) or until `wacht` had passed.
    func rauw(_ bytes: String, wacht: Duration = .seconds(5)) async throws -> (antwoord: String, gesloten: Bool) {
        let kanaal = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: false))
                }
            }
        let ontvangen = Ontvangen()
        let gesloten = try await kanaal.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: bytes))
            return try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for try await deel in inbound { ontvangen.voegToe(String(buffer: deel)) }
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: wacht)
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
        }
        return (ontvangen.tekst, gesloten)
    }
}

/// What a raw connection received so far.
final class Ontvangen: Sendable {
    private let tekstNu = Mutex("")
    func voegToe(_ deel: String) { tekstNu.withLock { $0 += deel } }
    var tekst: String { tekstNu.withLock { $0 } }
}
