/// What stops Swell from serving HTTPS; each description is one line that names the fix.
package enum CertificateError: Error, Equatable, CustomStringConvertible {
    case tooOpen(String, mode: String)
    case unreadable(String, reason: String)
    case cannotWrite(String, reason: String)
    case invalid(String, reason: String)
    case folderInsideRoot(String)
    case keyDoesNotMatch(certificate: String, key: String)

    package var description: String {
        switch self {
        case .tooOpen(let path, let mode):
            "\(path) can be read by other users; run chmod \(mode) \(path)"
        case .unreadable(let path, let reason):
            "cannot read \(path) (\(reason)); check the path and its permissions"
        case .cannotWrite(let path, let reason):
            "cannot write \(path) (\(reason)); check that the folder is yours and writable, or set XDG_DATA_HOME to another folder"
        case .invalid(let path, let reason):
            "\(path) is not a usable PEM certificate or key (\(reason)); give the files mkcert or openssl made, or delete Swell's to make new ones"
        case .folderInsideRoot(let path):
            "Swell's certificate folder \(path) is inside the served folder; serve another folder, or set XDG_DATA_HOME outside it"
        case .keyDoesNotMatch(let certificate, let key):
            "the key \(key) does not belong to the certificate \(certificate); give the pair that was made together"
        }
    }
}
