import ArcadenceCore
import CCairo
import Foundation
import Testing

@testable import ArcadenceCharts

#if canImport(FoundationXML)
  import FoundationXML
#endif

struct CairoRendererTests {
  static let barColor = Palette.blue

  static func threeBars(title: String = "Open invoices by bucket") -> Chart {
    Chart(
      width: 800, height: 500, title: title, subtitle: "As of Jul 31, 2026 · Source: ledger",
      xAxis: .categories(["Current", "1–30", "31–60"]), yAxis: YAxis(format: .money),
      marks: [.bars(BarMark(name: "Open", values: [10_000, 20_000, 40_000], color: barColor))])
  }

  /// Width and height from a PNG's signature and IHDR chunk.
  static func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard bytes.count >= 24, Array(bytes[0..<8]) == signature,
      Array(bytes[12..<16]) == Array("IHDR".utf8)
    else { return nil }
    func be32(_ offset: Int) -> Int {
      bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
    }
    return (be32(16), be32(20))
  }

  @Test(arguments: [(1.0, 800, 500), (2.0, 1600, 1000)])
  func pngHeaderHasScaledSize(scale: Double, width: Int, height: Int) throws {
    let bytes = try CairoRenderer().render(Self.threeBars(), format: .png(scale: scale))
    let size = Self.pngSize(bytes)
    #expect(size?.width == width)
    #expect(size?.height == height)
  }

  @Test func rasterShowsBarColourAndWhiteMargin() throws {
    let chart = Self.threeBars()
    let renderer = CairoRenderer()
    let image = try renderer.rasterize(chart, scale: 2)
    #expect(image.width == 1600 && image.height == 1000)
    let plot = chart.layout(measuringWith: renderer).plot
    // Centre of the tallest (third) bar, in pixels at scale 2.
    let band = BandScale(categories: ["a", "b", "c"], range: plot.minX...plot.maxX)
    let inside = image.pixel(x: Int(band.center(2) * 2), y: Int((plot.maxY - 20) * 2))
    let expected = Self.barColor.rgb8
    let actual = inside.rgb8
    #expect(abs(Int(actual.red) - Int(expected.red)) <= 1)
    #expect(abs(Int(actual.green) - Int(expected.green)) <= 1)
    #expect(abs(Int(actual.blue) - Int(expected.blue)) <= 1)
    #expect(inside.alpha == 1)
    let margin = image.pixel(x: 4, y: 996)
    #expect(margin.rgb8 == Color.white.rgb8 && margin.alpha == 1)
    // Something other than white was drawn in the title area.
    let titleRow = (40..<80).flatMap { y in (36..<400).map { image.pixel(x: $0, y: y) } }
    #expect(titleRow.contains { $0.rgb8 != Color.white.rgb8 })
  }

  /// Replaces Cairo's process-wide ids (glyph-0-1, clip-3, …) with sequential numbers.
  static func normalisedSVG(_ bytes: [UInt8]) throws -> String {
    var text = String(decoding: bytes, as: UTF8.self)
    var mapping: [String: String] = [:]
    let pattern = try NSRegularExpression(pattern: ##"(id="|href="#|url\(#)([^"\)]+)"##)
    let range = NSRange(text.startIndex..., in: text)
    var result = ""
    var cursor = text.startIndex
    for match in pattern.matches(in: text, range: range) {
      guard let whole = Range(match.range, in: text), let id = Range(match.range(at: 2), in: text),
        let prefix = Range(match.range(at: 1), in: text)
      else { continue }
      let name = String(text[id])
      let number = mapping[name] ?? "id\(mapping.count)"
      mapping[name] = number
      result += text[cursor..<whole.lowerBound] + text[prefix] + number
      cursor = whole.upperBound
    }
    result += text[cursor...]
    text = result
    return text
  }

  /// Parses XML and returns the first error, if any.
  final class XMLCheck: NSObject, XMLParserDelegate {
    var elements = 0
    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
      qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) { elements += 1 }

    static func isWellFormed(_ bytes: [UInt8]) -> (ok: Bool, elements: Int) {
      let parser = XMLParser(data: Data(bytes))
      let check = XMLCheck()
      parser.delegate = check
      let ok = parser.parse()
      return (ok, check.elements)
    }
  }

  @Test func svgIsWellFormedAndDeterministic() throws {
    let chart = SampleCharts.dualAxis()
    let first = try CairoRenderer().render(chart, format: .svg)
    let second = try CairoRenderer().render(chart, format: .svg)
    let check = XMLCheck.isWellFormed(first)
    #expect(check.ok)
    #expect(check.elements > 20)
    #expect(String(decoding: first.prefix(100), as: UTF8.self).contains("<?xml"))
    #expect(try Self.normalisedSVG(first) == Self.normalisedSVG(second))
  }

  @Test func untrustedTextStaysGlyphsInSVG() throws {
    let title = "<script>alert(\"x\")</script> & \"quotes\" 😀"
    var chart = Self.threeBars(title: title)
    chart.subtitle = "</svg><!-- & ]]> -->"
    chart.xAxis = .categories(["<b>", "&amp;", "\"'"])
    let bytes = try CairoRenderer().render(chart, format: .svg)
    #expect(XMLCheck.isWellFormed(bytes).ok)
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(!text.contains("<script"))
    #expect(!text.contains("alert("))
  }

  @Test func pdfStartsWithMagic() throws {
    let bytes = try CairoRenderer().render(SampleCharts.fan(), format: .pdf)
    #expect(Array(bytes.prefix(4)) == Array("%PDF".utf8))
    #expect(bytes.count > 1_000)
  }

  @Test func writeInfersFormatFromExtension() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("arcadence-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let renderer = CairoRenderer()
    let path = directory.appendingPathComponent("chart.svg").path
    try renderer.write(Self.threeBars(), to: path)
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(XMLCheck.isWellFormed(bytes).ok)
    #expect(throws: ChartError.self) {
      try renderer.write(Self.threeBars(), to: directory.appendingPathComponent("x.gif").path)
    }
    do {
      try renderer.write(Self.threeBars(), to: "/nonexistent-dir/chart.png")
      Issue.record("writing to a missing directory succeeded")
    } catch let error as ChartError {
      #expect(error.kind == .io)
      #expect(error.message.contains("/nonexistent-dir/chart.png"))
    }
  }

  /// Issue 14: a chart kit error keeps its words and becomes the cause of the error a
  /// person reads, whether a folder writer wraps it or it reaches the CLI as it is.
  @Test func aChartErrorIsReportedInOneClearLine() throws {
    let folder = try OutputFolder(
      FileManager.default.temporaryDirectory.path
        + "/arcadence-\(UInt64.random(in: 0...UInt64.max))")
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    let wide = Chart(
      width: 40_000, height: 500, title: "Too wide", xAxis: .categories(["a"]),
      marks: [.bars(BarMark(name: "n", values: [1], color: Self.barColor))])
    do {
      try folder.draw(wide, name: "wide", format: .png(scale: 2), with: CairoRenderer())
      Issue.record("drew an 80,000-pixel-wide PNG")
    } catch let error as ArcadenceError {
      // Cairo's image surfaces stop at 32,767 pixels a side; 40,000 × 2 is past that.
      #expect(error.message == "cannot draw wide.png: Image size 80000×1000 px is out of range")
      #expect((error.cause as? ChartError)?.kind == .invalidUsage)
    }
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/wide.png"))
    let reported = ArcadenceError.reported(ChartError(.cairo, "Cairo error in fill: out of memory"))
    #expect(reported.description == "Cairo error in fill: out of memory")
    #expect(reported.exitStatus == 1)
  }

  @Test func cairoFailuresBecomeTypedErrors() throws {
    do {
      try checkCairo(CAIRO_STATUS_NO_MEMORY, "test")
      Issue.record("no error thrown")
    } catch let error as ChartError {
      #expect(error.kind == .cairo)
      #expect(error.description.contains("out of memory"))
    }
    #expect(throws: Never.self) { try checkCairo(CAIRO_STATUS_SUCCESS, "test") }
    let renderer = CairoRenderer(format: .png(scale: 100))
    #expect(throws: ChartError.self) { try renderer.paint(Self.threeBars()) }
    #expect(throws: ChartError.self) { try CairoRenderer().end() }
  }
}
