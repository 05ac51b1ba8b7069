import HummingbirdCore
import HummingbirdHTTP2
import NIOCore
import NIOSSL
import SwellKit
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#endif

/// HTTPS for `swell`: the served certificate (from Swell's local CA, or the user's own
/// `--cert/--key`), and the channel that serves it with HTTP/2 and HTTP/1.1 on one port.
package struct HTTPSTransport: SecureTransport {
    package let authorityPEM: String?
    /// Where the CA certificate is, to install elsewhere (`/__swell/ca.pem` serves the same file).
    package let authorityPath: String?
    /// Names Swell answers for that the CA may not sign, which the certificate leaves out.
    package let leftOutNames: [String]
    /// Swell's CA; nil with `--cert`.
    let authority: LocalAuthority?
    let context: NIOSSLContext

    /// A certificate from Swell's CA (made on first use) for the names `configuration` answers to.
    package static func localAuthority(for configuration: SwellConfiguration, folder: CertificateFolder = .forCurrentUser())
        throws(CertificateError) -> HTTPSTransport
    {
        if Self.isInside(folder.path, configuration.root) { throw .folderInsideRoot(folder.path) }
        let authority = try LocalAuthority.loadOrCreate(in: folder)
        let interfaces = HostAddress.isWildcard(configuration.host) ? HostAddress.interfaceAddresses(includeIPv6: true) : []
        let (names, leftOut) = ServedName.forServer(
            host: configuration.host,
            allowedHosts: configuration.allowedHosts,
            interfaceAddresses: interfaces
        )
        let served = try ServedCertificate.current(for: names, authority: authority, in: folder)
        return HTTPSTransport(
            authorityPEM: authority.pem,
            authorityPath: folder.file(LocalAuthority.certificateFile),
            leftOutNames: leftOut,
            authority: authority,
            context: try makeContext(
                certificatePEM: served.certificatePEM,
                keyPEM: served.keyPEM,
                certificatePath: folder.file(ServedCertificate.certificateFile)
            )
        )
    }

    /// The user's own certificate and key (`--cert FILE --key FILE`, PEM; mkcert's, say).
    package static func files(certificate: String, key: String) throws(CertificateError) -> HTTPSTransport {
        let read = { (path: String) throws(CertificateError) -> String in
            guard let text = try CertificateFolder.read(path: path) else { throw .unreadable(path, reason: "no such file") }
            return text
        }
        let certificatePEM = try read(certificate)
        let keyPEM = try read(key)
        if let parsed = try? Certificate(pemEncoded: certificatePEM), let privateKey = try? Certificate.PrivateKey(pemEncoded: keyPEM),
            parsed.publicKey != privateKey.publicKey
        {
            throw .keyDoesNotMatch(certificate: certificate, key: key)
        }
        return HTTPSTransport(
            authorityPEM: nil,
            authorityPath: nil,
            leftOutNames: [],
            authority: nil,
            context: try makeContext(certificatePEM: certificatePEM, keyPEM: keyPEM, certificatePath: certificate, keyPath: key)
        )
    }

    static func makeContext(certificatePEM: String, keyPEM: String, certificatePath: String, keyPath: String? = nil) throws(CertificateError)
        -> NIOSSLContext
    {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8))
        } catch {
            throw .invalid(certificatePath, reason: "\(error)")
        }
        guard !chain.isEmpty else { throw .invalid(certificatePath, reason: "no certificate in it") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        } catch {
            throw .invalid(keyPath ?? certificatePath, reason: "\(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.applicationProtocols = ["h2", "http/1.1"]
        configuration.minimumTLSVersion = .tlsv12
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw keyPath.map { .keyDoesNotMatch(certificate: certificatePath, key: $0) } ?? .invalid(certificatePath, reason: "\(error)")
        }
    }

    package func serverBuilder(_ parts: SwellChannelParts) -> HTTPServerBuilder {
        .init { responder in
            SecureServerChannel(
                context: context,
                secureHTTP1: parts.http1Channel(responder: responder, scheme: "https"),
                plainHTTP1: parts.http1Channel(responder: responder, scheme: "http"),
                http2: HTTP2Channel(
                    responder: responder,
                    configuration: .init(
                        // An HTTP/2 connection with no stream open is closed as an idle HTTP/1.1
                        // keep-alive connection is: after the request-head limit.
                        idleTimeout: parts.requestHeadTimeout,
                        gracefulCloseTimeout: .seconds(1),
                        streamConfiguration: .init(additionalChannelHandlers: parts.http2StreamHandlers(), idleTimeout: parts.http1.idleTimeout)
                    )
                ),
                handshakeLimit: TimeAmount(parts.requestHeadTimeout)
            )
        }
    }

    /// Whether `path` is `folder` or under it, symlinks resolved.
    static func isInside(_ path: String, _ folder: String) -> Bool {
        func resolved(_ path: String) -> String {
            // The certificate folder may not exist yet: resolve its nearest existing parent.
            var existing = path
            var rest = ""
            while !existing.isEmpty, access(existing, F_OK) != 0, let slash = existing.lastIndex(of: "/") {
                rest = String(existing[slash...]) + rest
                existing = String(existing[..<slash])
            }
            guard let real = realpath(existing.isEmpty ? "/" : existing, nil) else { return path }
            defer { free(real) }
            return String(cString: real) + rest
        }
        let inner = resolved(path), outer = resolved(folder)
        return inner == outer || inner.hasPrefix(outer == "/" ? "/" : outer + "/")
    }
}
