/// A text draw captured by `RecordingRenderer`, with its measured box.
public struct RecordedText: Sendable, Hashable {
  /// The string drawn.
  public let string: String
  /// The anchor point.
  public let point: Point
  /// Font size in points.
  public let size: Double
  /// Font weight.
  public let weight: FontWeight
  /// How the box sits relative to `point`.
  public let anchor: TextAnchor
  /// Rotation in degrees (clockwise on screen).
  public let rotation: Double
  /// The colour in effect.
  public let color: Color
  /// The metrics the recorder reported for this string.
  public let metrics: TextMetrics

  /// The four corners of the rotated text box.
  public var corners: [Point] { metrics.corners(at: point, anchor: anchor, rotation: rotation) }
  /// The axis-aligned bounds of the rotated text box.
  public var bounds: Rect { metrics.bounds(at: point, anchor: anchor, rotation: rotation) }
}

/// A renderer that records every drawing operation, for tests and layout inspection.
///
/// Its `measureText` approximates DejaVu Sans: `characterWidth × size` per character
/// (grapheme cluster), line height 1.17 × size with ascent 0.93 × size. Pass `measure` to use
/// real metrics instead (e.g. `CairoRenderer().measureText`).
public final class RecordingRenderer: Renderer {
  /// One recorded drawing operation.
  public enum Operation: Sendable, Hashable {
    /// `begin(size:)`.
    case begin(Size)
    /// `end()`.
    case end
    /// `setColor(_:)`.
    case setColor(Color)
    /// `setLineWidth(_:)`.
    case setLineWidth(Double)
    /// `setDash(_:)`.
    case setDash([Double])
    /// `clip(to:)`.
    case clip(Rect?)
    /// `fillRect(_:)` with the colour in effect.
    case fillRect(Rect, Color)
    /// `fillPath(_:)` with the colour in effect.
    case fillPath(Path, Color)
    /// `strokePath(_:)` with the colour and width in effect.
    case strokePath(Path, Color, lineWidth: Double)
    /// `text(...)`.
    case text(RecordedText)
  }

  /// Everything drawn so far, in order.
  public private(set) var operations: [Operation] = []
  /// Width of one character as a fraction of the font size.
  public var characterWidth: Double
  private let measure: ((String, Double, FontWeight) -> TextMetrics)?
  private var color = Color.black
  private var lineWidth = 1.0

  /// Creates an empty recorder with approximate metrics.
  public init(characterWidth: Double = 0.6) {
    self.characterWidth = characterWidth
    self.measure = nil
  }

  /// Creates an empty recorder that measures text with `measure`.
  public init(measure: @escaping (String, Double, FontWeight) -> TextMetrics) {
    self.characterWidth = 0.6
    self.measure = measure
  }

  /// All recorded texts.
  public var texts: [RecordedText] {
    operations.compactMap { if case .text(let text) = $0 { return text } else { return nil } }
  }

  /// All filled rectangles with their colours.
  public var filledRects: [(rect: Rect, color: Color)] {
    operations.compactMap {
      if case .fillRect(let rect, let color) = $0 { return (rect, color) } else { return nil }
    }
  }

  /// Clears the recording and starts a page.
  public func begin(size: Size) throws {
    operations = [.begin(size)]
  }

  /// Records the end of the page.
  public func end() throws { operations.append(.end) }

  /// Records a colour change.
  public func setColor(_ color: Color) {
    self.color = color
    operations.append(.setColor(color))
  }

  /// Records a line-width change.
  public func setLineWidth(_ width: Double) {
    lineWidth = width
    operations.append(.setLineWidth(width))
  }

  /// Records a dash change.
  public func setDash(_ lengths: [Double]) { operations.append(.setDash(lengths)) }

  /// Records a clip change.
  public func clip(to rect: Rect?) { operations.append(.clip(rect)) }

  /// Records a filled rectangle.
  public func fillRect(_ rect: Rect) { operations.append(.fillRect(rect, color)) }

  /// Records a filled path.
  public func fillPath(_ path: Path) { operations.append(.fillPath(path, color)) }

  /// Records a stroked path.
  public func strokePath(_ path: Path) {
    operations.append(.strokePath(path, color, lineWidth: lineWidth))
  }

  /// Records a text draw with its approximate metrics.
  public func text(
    _ string: String, at point: Point, size: Double, weight: FontWeight, anchor: TextAnchor,
    rotation: Double
  ) {
    let metrics = measureText(string, size: size, weight: weight)
    operations.append(
      .text(
        RecordedText(
          string: string, point: point, size: size, weight: weight, anchor: anchor,
          rotation: rotation, color: color, metrics: metrics)))
  }

  /// Approximate metrics: `characterWidth × size` per character (bold 8% wider), unless a
  /// custom measure was supplied.
  public func measureText(_ string: String, size: Double, weight: FontWeight) -> TextMetrics {
    if let measure { return measure(string, size, weight) }
    let perCharacter = characterWidth * size * (weight == .bold ? 1.08 : 1)
    return TextMetrics(
      width: Double(string.count) * perCharacter, height: 1.17 * size, ascent: 0.93 * size)
  }
}
