import Foundation

/// Cosine of an angle in radians (kept in one place so geometry files need no Foundation).
func cosine(_ radians: Double) -> Double {
  // Snap exact quarter turns so axis-aligned boxes stay exact.
  let turns = radians / (Double.pi / 2)
  if turns == turns.rounded() {
    switch ((Int(turns) % 4) + 4) % 4 {
    case 0: return 1
    case 2: return -1
    default: return 0
    }
  }
  return cos(radians)
}

/// Sine of an angle in radians, exact at quarter turns.
func sine(_ radians: Double) -> Double {
  let turns = radians / (Double.pi / 2)
  if turns == turns.rounded() {
    switch ((Int(turns) % 4) + 4) % 4 {
    case 1: return 1
    case 3: return -1
    default: return 0
    }
  }
  return sin(radians)
}
