import Crypto
import SwiftASN1
import X509

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The certificate Swell serves, issued by its `LocalAuthority` (`server.pem`,
/// `server-key.pem`, beside the CA): 365 days, EKU serverAuth (iOS asks for it), naming the
/// hosts Swell answers for. It is issued afresh when those names change, when the CA is not
/// the one that issued it, or within 30 days of its end.
struct ServedCertificate: Sendable {
    static let certificateFile = "server.pem"
    static let keyFile = "server-key.pem"
    static let lifetime: TimeInterval = 365 * 86_400
    static let renewalWindow: TimeInterval = 30 * 86_400

    let certificatePEM: String
    let keyPEM: String
    /// Whether it was issued by this start (the banner may say so).
    let isNew: Bool

    /// The served certificate for `names`: the one in `folder` if it still fits, else a new one.
    static func current(for names: [ServedName], authority: LocalAuthority, in folder: CertificateFolder, now: Date = Date()) throws(CertificateError)
        -> ServedCertificate
    {
        try folder.withLock { () throws(CertificateError) -> ServedCertificate in
            if let certificateText = try folder.read(certificateFile), let keyText = try folder.read(keyFile, secret: true),
                let existing = try? Certificate(pemEncoded: certificateText),
                let key = try? Certificate.PrivateKey(pemEncoded: keyText),
                fits(existing, key: key, names: names, authority: authority, now: now)
            {
                return ServedCertificate(certificatePEM: certificateText, keyPEM: keyText, isNew: false)
            }
            let issued = try issue(for: names, authority: authority, now: now)
            try folder.write(keyFile, issued.keyPEM, mode: 0o600, replacing: true)
            try folder.write(certificateFile, issued.certificatePEM, mode: 0o644, replacing: true)
            return issued
        }
    }

    /// Whether `certificate` may still be served: its key, its issuer, its names, its dates.
    static func fits(_ certificate: Certificate, key: Certificate.PrivateKey, names: [ServedName], authority: LocalAuthority, now: Date) -> Bool {
        guard certificate.publicKey == key.publicKey, certificate.issuer == authority.certificate.subject,
            let identifier = try? certificate.extensions.authorityKeyIdentifier?.keyIdentifier,
            identifier == (try? authority.certificate.extensions.subjectKeyIdentifier?.keyIdentifier),
            certificate.notValidBefore <= now, certificate.notValidAfter.timeIntervalSince(now) > renewalWindow,
            let carried = try? certificate.extensions.subjectAlternativeNames
        else { return false }
        return Set(carried.compactMap(served)) == Set(names)
    }

    private static func served(_ name: GeneralName) -> ServedName? {
        switch name {
        case .dnsName(let host): .dns(host)
        case .ipAddress(let octets): .address(Array(octets.bytes))
        default: nil
        }
    }

    static func issue(for names: [ServedName], authority: LocalAuthority, now: Date) throws(CertificateError) -> ServedCertificate {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        do {
            let alternatives = names.map { name -> GeneralName in
                switch name {
                case .dns(let host): .dnsName(host)
                case .address(let bytes): .ipAddress(ASN1OctetString(contentBytes: bytes[...]))
                }
            }
            let authorityIdentifier = try authority.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: now - 3600,
                notValidAfter: now + lifetime,
                issuer: authority.certificate.subject,
                subject: try DistinguishedName {
                    OrganizationName("Swell development certificate")
                    CommonName(names.first?.description ?? "localhost")
                },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(alternatives)
                    AuthorityKeyIdentifier(keyIdentifier: authorityIdentifier)
                    SubjectKeyIdentifier(hash: key.publicKey)
                },
                issuerPrivateKey: authority.key
            )
            return ServedCertificate(
                certificatePEM: try certificate.serializeAsPEM().pemString + "\n",
                keyPEM: try key.serializeAsPEM().pemString + "\n",
                isNew: true
            )
        } catch {
            throw .invalid(certificateFile, reason: "could not issue the certificate: \(error)")
        }
    }
}
