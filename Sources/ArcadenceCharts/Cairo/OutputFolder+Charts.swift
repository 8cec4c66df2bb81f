import ArcadenceCore

extension CairoRenderer.Format {
  /// The file extension of the format: `png`, `svg` or `pdf`.
  public var fileExtension: String {
    switch self {
    case .png: "png"
    case .svg: "svg"
    case .pdf: "pdf"
    }
  }
}

extension OutputFolder {
  /// Draws `chart` with `renderer` and writes it as `NAME.EXT` (the format's extension);
  /// returns the path. A drawing failure is `cannot draw NAME.EXT: …` with the chart kit's
  /// error as the cause.
  @discardableResult
  public func draw(
    _ chart: some ChartDrawable, name: String, format: CairoRenderer.Format,
    with renderer: CairoRenderer
  ) throws -> String {
    let file = "\(name).\(format.fileExtension)"
    let bytes: [UInt8]
    do {
      bytes = try renderer.render(chart, format: format)
    } catch let error as ChartError {
      throw ArcadenceError(.io, "cannot draw \(file)", cause: error)
    }
    return try write(bytes, as: file)
  }
}
