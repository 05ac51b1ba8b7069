// swift-tools-version:6.1
import PackageDescription

// Swell is the package two folders up; SwiftPM names a path dependency after its folder, which
// is whatever the clone is called.
let swell = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init)?.lowercased() ?? "swell"

let package = Package(
    name: "TinySite",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/JohnSundell/Plot.git", from: "0.14.0"),
    ],
    targets: [
        .executableTarget(
            name: "TinySite",
            dependencies: [
                .product(name: "SwellKit", package: swell),
                .product(name: "Ink", package: "Ink"),
                .product(name: "Plot", package: "Plot"),
            ]
        )
    ]
)
