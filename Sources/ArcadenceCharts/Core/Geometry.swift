/// Geometry helpers shared by the layout and by tests.
public enum Geometry {
  /// True when two convex polygons (e.g. rotated text boxes) have overlapping interiors.
  ///
  /// Uses the separating-axis theorem; polygons that merely touch do not overlap.
  public static func quadsOverlap(_ a: [Point], _ b: [Point], tolerance: Double = 1e-6) -> Bool {
    for polygon in [a, b] {
      for index in polygon.indices {
        let p = polygon[index]
        let q = polygon[(index + 1) % polygon.count]
        let axis = Point(x: q.y - p.y, y: p.x - q.x)
        guard axis.x != 0 || axis.y != 0 else { continue }
        let projectA = a.map { $0.x * axis.x + $0.y * axis.y }
        let projectB = b.map { $0.x * axis.x + $0.y * axis.y }
        let length = (axis.x * axis.x + axis.y * axis.y).squareRoot()
        let slack = tolerance * length
        if (projectA.max() ?? 0) <= (projectB.min() ?? 0) + slack
          || (projectB.max() ?? 0) <= (projectA.min() ?? 0) + slack
        {
          return false
        }
      }
    }
    return true
  }
}
