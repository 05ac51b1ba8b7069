import Crypto
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#endif

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Swell's own certificate authority: an ECDSA P-256 key and a self-signed certificate made on
/// first use in the `CertificateFolder` (`ca-key.pem`, `ca.pem`).
///
/// Its name constraints (loopback and private address ranges, `localhost` and the `.test`
/// and `.local` domains) mean that even a stolen key cannot mint a certificate a browser
/// would take for a public site; those names need `--cert`.
struct LocalAuthority: Sendable {
    static let certificateFile = "ca.pem"
    static let keyFile = "ca-key.pem"

    let certificate: Certificate
    let key: Certificate.PrivateKey
    let pem: String

    /// The DNS trees the CA may sign: each name and every name under it.
    static let permittedDomains = ["localhost", "test", "local"]
    /// The address ranges it may sign, as address then mask.
    static let permittedRanges: [[UInt8]] = [
        [127, 0, 0, 0, 255, 0, 0, 0],
        [10, 0, 0, 0, 255, 0, 0, 0],
        [172, 16, 0, 0, 255, 240, 0, 0],
        [192, 168, 0, 0, 255, 255, 0, 0],
        [169, 254, 0, 0, 255, 255, 0, 0],
        [100, 64, 0, 0, 255, 192, 0, 0],
        Array(repeating: 0, count: 15) + [1] + Array(repeating: 255, count: 16),
        [0xfc] + Array(repeating: 0, count: 15) + [0xfe] + Array(repeating: 0, count: 15),
        [0xfe, 0x80] + Array(repeating: 0, count: 14) + [0xff, 0xc0] + Array(repeating: 0, count: 14),
    ]

    /// The CA in `folder`, made (under the folder's lock) if it is not there yet.
    static func loadOrCreate(in folder: CertificateFolder, now: Date = Date()) throws(CertificateError) -> LocalAuthority {
        try folder.prepare()
        return try folder.withLock { () throws(CertificateError) -> LocalAuthority in
            if let existing = try load(from: folder) { return existing }
            return try create(in: folder, now: now)
        }
    }

    static func load(from folder: CertificateFolder) throws(CertificateError) -> LocalAuthority? {
        let keyText = try folder.read(keyFile, secret: true)
        let certificateText = try folder.read(certificateFile)
        guard let keyText, let certificateText else {
            if keyText != nil || certificateText != nil {
                let missing = folder.file(keyText == nil ? keyFile : certificateFile)
                throw .invalid(
                    missing,
                    reason:
                        "it is missing while its pair is there; delete \(folder.file(certificateFile)) and \(folder.file(keyFile)) to make a new CA"
                )
            }
            return nil
        }
        do {
            let key = try Certificate.PrivateKey(pemEncoded: keyText)
            let certificate = try Certificate(pemEncoded: certificateText)
            guard certificate.publicKey == key.publicKey else {
                throw CertificateError.keyDoesNotMatch(certificate: folder.file(certificateFile), key: folder.file(keyFile))
            }
            return LocalAuthority(certificate: certificate, key: key, pem: certificateText)
        } catch let error as CertificateError {
            throw error
        } catch {
            throw .invalid(folder.path, reason: "\(error)")
        }
    }

    private static func create(in folder: CertificateFolder, now: Date) throws(CertificateError) -> LocalAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let certificate: Certificate
        let keyPEM: String
        let pem: String
        do {
            let name = try DistinguishedName {
                OrganizationName("Swell development CA")
                OrganizationalUnitName(userAndHost())
                CommonName("Swell local CA \(userAndHost())")
            }
            let constraints = NameConstraints(
                permittedDNSDomains: permittedDomains,
                permittedIPRanges: permittedRanges.map { ASN1OctetString(contentBytes: $0[...]) }
            )
            certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: now - 3600,
                notValidAfter: now + 10 * 365 * 86_400,
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    Critical(constraints)
                    SubjectKeyIdentifier(hash: key.publicKey)
                },
                issuerPrivateKey: key
            )
            keyPEM = try key.serializeAsPEM().pemString
            pem = try certificate.serializeAsPEM().pemString
        } catch {
            throw .invalid(folder.file(certificateFile), reason: "could not make the CA: \(error)")
        }
        // The key first, exclusively: if it exists, another start made it, and the lock says it finished.
        try folder.write(keyFile, keyPEM + "\n", mode: 0o600)
        try folder.write(certificateFile, pem + "\n", mode: 0o644)
        return LocalAuthority(certificate: certificate, key: key, pem: pem + "\n")
    }

    /// `user@host`, so that a CA in a trust store says whose it is.
    static func userAndHost() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        var host = "localhost"
        if gethostname(&buffer, buffer.count) == 0 {
            host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        let user = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "user"
        return "\(user)@\(host)"
    }

    /// Whether the CA's name constraints allow `name` (a DNS name or an IP address).
    static func permits(_ name: ServedName) -> Bool {
        switch name {
        case .dns(let host):
            let lowered = host.lowercased()
            return permittedDomains.contains { lowered == $0 || lowered.hasSuffix("." + $0) }
        case .address(let bytes):
            return permittedRanges.contains { range in
                let half = range.count / 2
                guard bytes.count == half else { return false }
                return (0..<half).allSatisfy { bytes[$0] & range[half + $0] == range[$0] }
            }
        }
    }
}
