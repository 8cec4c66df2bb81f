/// The Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008), ordered for chart series.
public enum Palette {
  /// Okabe–Ito blue `#0072B2`.
  public static let blue = Color(hex: 0x0072B2)
  /// Okabe–Ito orange `#E69F00`.
  public static let orange = Color(hex: 0xE69F00)
  /// Okabe–Ito bluish green `#009E73`.
  public static let bluishGreen = Color(hex: 0x009E73)
  /// Okabe–Ito vermillion `#D55E00`.
  public static let vermillion = Color(hex: 0xD55E00)
  /// Okabe–Ito sky blue `#56B4E9`.
  public static let skyBlue = Color(hex: 0x56B4E9)
  /// Okabe–Ito reddish purple `#CC79A7`.
  public static let reddishPurple = Color(hex: 0xCC79A7)
  /// Okabe–Ito yellow `#F0E442` (low contrast on white: used last).
  public static let yellow = Color(hex: 0xF0E442)
  /// Okabe–Ito black.
  public static let black = Color(hex: 0x000000)

  /// The series order: strong, distinguishable hues first, yellow and black last.
  public static let okabeIto: [Color] = [
    blue, orange, bluishGreen, vermillion, skyBlue, reddishPurple, yellow, black,
  ]
}
