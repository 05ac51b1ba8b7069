import HTTPTypes

/// Header names HTTPTypes does not predefine, built once rather than parsed per request.
extension HTTPField.Name {
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let crossOriginResourcePolicy = HTTPField.Name("Cross-Origin-Resource-Policy")!
    static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    static let secFetchDest = HTTPField.Name("Sec-Fetch-Dest")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let secFetchMode = HTTPField.Name("Sec-Fetch-Mode")!
    static let requestOrigin = HTTPField.Name("Origin")!
}
