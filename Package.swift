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
    .library(name: "ArcadenceCharts", targets: ["ArcadenceCharts"]),
    .library(name: "ArcadenceSimulation", targets: ["ArcadenceSimulation"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.2"),
  ],
  targets: [
    // Domain: money, days, timestamps, entities, vocabularies, CSV codec, errors.
    .target(name: "ArcadenceCore"),
    // SQLite store: schema, migrations, import, export, loading for analytics.
    .target(
      name: "ArcadenceStore",
      dependencies: [
        "ArcadenceCore", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]
    ),
    // Imports of other systems' exports (ERP, CRM, bank) through mapping files.
    .target(name: "ArcadenceMapping", dependencies: ["ArcadenceCore", "ArcadenceStore", "Yams"]),
    // Synthetic data from a stated ground-truth model.
    .target(name: "ArcadenceGenerator", dependencies: ["ArcadenceCore", "Yams"]),
    // KPI engine: the definitions of spec/kpis.md.
    .target(name: "ArcadenceAnalytics", dependencies: ["ArcadenceCore", "ArcadenceStore"]),
    // Cairo, through the system library (Debian: libcairo2-dev).
    .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
    // zlib, for the PNG encoder (Debian: zlib1g-dev, which libcairo2-dev already pulls in).
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // The chart kit: a pure chart model (scales, ticks, layout, marks), a Renderer protocol,
    // the Cairo renderer (PNG, SVG, PDF) and a recording renderer for tests.
    // Files are written through ArcadenceCore's OutputFile (atomic, regular files only).
    .target(name: "ArcadenceCharts", dependencies: ["ArcadenceCore", "CCairo", "CZlib"]),
    // Charts, dashboards and reports built from the analytics; the page templates (Mustache)
    // that the static pages and the served app share.
    .target(
      name: "ArcadenceReports",
      dependencies: [
        "ArcadenceAnalytics", "ArcadenceCharts", "ArcadenceStore", "ArcadenceCore",
        .product(name: "Mustache", package: "swift-mustache"),
      ]
    ),
    // The cadence simulator: calibration from the store, scenarios, the Monte Carlo engine
    // (Philox counter-based randomness), the Markov aging chain, backtests and charts.
    .target(
      name: "ArcadenceSimulation",
      dependencies: [
        "ArcadenceCore", "ArcadenceStore", "ArcadenceCharts", "ArcadenceAnalytics",
        "ArcadenceReports", "Yams",
      ]
    ),
    // Delivery of reports: MIME messages, the SMTP client (STARTTLS through NIOSSL) and the
    // Slack-compatible webhook; settings from the environment only.
    .target(
      name: "ArcadenceDelivery",
      dependencies: [
        "ArcadenceCore",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // `arcadence serve`: users, sessions, the route table and its one access check, the
    // pages (Mustache templates, escaped by default), the audit log (spec/serve.md).
    .target(
      name: "ArcadenceServer",
      dependencies: [
        "ArcadenceCore", "ArcadenceStore", "ArcadenceAnalytics", "ArcadenceReports",
        "ArcadenceSimulation", "ArcadenceCharts", "ArcadenceMapping", "ArcadenceDelivery", "CZlib",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HummingbirdTLS", package: "hummingbird"),
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ]
    ),
    // The thin command-line front end.
    .executableTarget(
      name: "arcadence",
      dependencies: [
        "ArcadenceCore", "ArcadenceStore", "ArcadenceGenerator", "ArcadenceAnalytics",
        "ArcadenceCharts", "ArcadenceReports", "ArcadenceMapping", "ArcadenceSimulation",
        "ArcadenceServer", "ArcadenceDelivery",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // The hand-computed fixture shared by the analytics and report tests.
    .target(
      name: "ArcadenceTestSupport", dependencies: ["ArcadenceStore", "ArcadenceCore"],
      path: "Tests/ArcadenceTestSupport"),
    .testTarget(name: "ArcadenceCoreTests", dependencies: ["ArcadenceCore"]),
    .testTarget(
      name: "ArcadenceDeliveryTests", dependencies: ["ArcadenceDelivery", "ArcadenceCore"]),
    .testTarget(
      name: "ArcadenceMappingTests",
      dependencies: [
        "ArcadenceMapping", "ArcadenceStore", "ArcadenceCore",
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      exclude: ["Fixtures"]
    ),
    .testTarget(
      name: "ArcadenceChartsTests", dependencies: ["ArcadenceCharts", "ArcadenceCore", "CCairo"]),
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
      dependencies: ["ArcadenceAnalytics", "ArcadenceStore", "ArcadenceTestSupport"]
    ),
    .testTarget(
      name: "ArcadenceReportsTests",
      dependencies: [
        "ArcadenceReports", "ArcadenceCharts", "ArcadenceAnalytics", "ArcadenceStore",
        "ArcadenceTestSupport",
      ]
    ),
    .testTarget(
      name: "ArcadenceSimulationTests",
      dependencies: [
        "ArcadenceSimulation", "ArcadenceGenerator", "ArcadenceStore", "ArcadenceCore", "Yams",
      ]
    ),
    .testTarget(
      name: "ArcadenceServerTests",
      dependencies: [
        "ArcadenceServer", "ArcadenceStore", "ArcadenceCore", "ArcadenceTestSupport",
        "ArcadenceAnalytics", "ArcadenceReports", "ArcadenceDelivery", "ArcadenceSimulation",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "HummingbirdTLS", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    // Hostile input and faults: every adversarial case reproduced, one file per kind of fault.
    .testTarget(
      name: "ArcadenceHardeningTests",
      dependencies: [
        "ArcadenceCore", "ArcadenceStore", "ArcadenceAnalytics", "ArcadenceReports",
        "ArcadenceCharts", "ArcadenceMapping", "ArcadenceSimulation", "ArcadenceGenerator",
        "ArcadenceTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)
