// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "arcadence",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "arcadence", targets: ["arcadence"]),
    .library(name: "ArcadenceCore", targets: ["ArcadenceCore"]),
    .library(name: "ArcadenceStore", targets: ["ArcadenceStore"]),
    .library(name: "ArcadenceAnalytics", targets: ["ArcadenceAnalytics"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    // Domain: money, days, timestamps, entities, vocabularies, CSV codec, errors.
    .target(name: "ArcadenceCore"),
    // SQLite store: schema, migrations, import, export, loading for analytics.
    .target(
      name: "ArcadenceStore",
      dependencies: ["ArcadenceCore", .product(name: "GRDB", package: "GRDB.swift")]
    ),
    // Synthetic data from a stated ground-truth model.
    .target(name: "ArcadenceGenerator", dependencies: ["ArcadenceCore", "Yams"]),
    // KPI engine: the definitions of spec/kpis.md.
    .target(name: "ArcadenceAnalytics", dependencies: ["ArcadenceCore", "ArcadenceStore"]),
    // The thin command-line front end.
    .executableTarget(
      name: "arcadence",
      dependencies: [
        "ArcadenceCore", "ArcadenceStore", "ArcadenceGenerator", "ArcadenceAnalytics",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "ArcadenceCoreTests", dependencies: ["ArcadenceCore"]),
    .testTarget(
      name: "ArcadenceStoreTests",
      dependencies: ["ArcadenceStore", .product(name: "GRDB", package: "GRDB.swift")]
    ),
    .testTarget(
      name: "ArcadenceGeneratorTests",
      dependencies: ["ArcadenceGenerator", "ArcadenceStore", "Yams"]
    ),
    .testTarget(
      name: "ArcadenceAnalyticsTests",
      dependencies: ["ArcadenceAnalytics", "ArcadenceStore"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
