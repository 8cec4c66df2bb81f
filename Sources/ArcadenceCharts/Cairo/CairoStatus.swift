import CCairo

/// Turns a non-success `cairo_status_t` into a `ChartError` naming the failed action.
func checkCairo(_ status: cairo_status_t, _ action: String) throws {
  guard status != CAIRO_STATUS_SUCCESS else { return }
  let reason = cairo_status_to_string(status).map { String(cString: $0) } ?? "unknown error"
  throw ChartError(.cairo, "Cairo could not \(action): \(reason) (status \(status.rawValue))")
}
