import ArcadenceCore
import Foundation

// The part file, version 1:
//
//   ARCADENCE-SIMULATION-PART 1\n     the magic line and the format version
//   {…}\n                             the header: one line of JSON (``SimulationPart/Header``)
//   payload                           Int64 little-endian: per policy, the paths' scalars
//                                     (paths × ResultBuffers.Metric, path-major), then
//                                     their daily cash (paths × horizon, path-major)
//   checksum                          8 bytes: FNV-1a 64 of everything before, little-endian
//
// A reader trusts nothing: the checksum first (a cut or damaged file), then every field of
// the header against its bounds, the payload's size against the header's counts (computed
// without overflow), and every value against 0…2^53 (what a ledger can hold, and exact as a
// Double), so a merge of any bytes is a usage error, never a trap.

extension SimulationPart {
  /// The format version this build writes and reads.
  static let format = 1
  /// The magic line's text before the version.
  static let magic = "ARCADENCE-SIMULATION-PART "
  /// The largest value a part may hold: 2^53 cents (about 90 trillion dollars) or events.
  static let largestValue: Int64 = 1 << 53
  /// The longest header read (bytes).
  static let largestHeader = 1 << 20
  /// The most policies a part may hold.
  static let mostPolicies = 1000

  /// A policy as the header stores it.
  struct PolicyRecord: Codable, Equatable {
    var name: String
    /// `[dpd, channel]` per step.
    var steps: [[Int]]
    var repeatEveryDays: Int?
    var repeatChannel: Int?
    var repeatUntilDpd: Int?
    /// `[at_dpd, target (0 manager, 1 agency)]` per escalation, with its lift and fee.
    var escalations: [[Int]]
    var escalationLifts: [Double]
    var escalationFees: [Double]
    var offerAutopay: Bool
    var completion: Double
    var callsPerDay: Int?
    var otherPerDay: Int?
    var priority: String
    var overrideKeys: [String]
    var overrideValues: [Double]

    init(_ p: Policy) {
      name = p.name
      steps = p.steps.map { [$0.dpd, $0.channel.rawValue] }
      repeatEveryDays = p.repeatRule?.everyDays
      repeatChannel = p.repeatRule?.channel.rawValue
      repeatUntilDpd = p.repeatRule?.untilDpd
      escalations = p.escalations.map { [$0.atDpd, $0.to == .agency ? 1 : 0] }
      escalationLifts = p.escalations.map(\.lift)
      escalationFees = p.escalations.map(\.fee)
      offerAutopay = p.offerAutopay
      completion = p.completion
      callsPerDay = p.callsPerDay
      otherPerDay = p.otherPerDay
      priority = p.priority.rawValue
      overrideKeys = p.overrides.map(\.key)
      overrideValues = p.overrides.map(\.value)
    }

    /// The policy, or nil when a field is out of its vocabulary or the lists disagree.
    var policy: Policy? {
      var stepList: [CadenceStep] = []
      for s in steps {
        guard s.count == 2, let channel = Channel(rawValue: s[1]) else { return nil }
        stepList.append(CadenceStep(dpd: s[0], channel: channel))
      }
      var rule: Policy.Repeat?
      if let every = repeatEveryDays {
        guard let c = repeatChannel, let channel = Channel(rawValue: c) else { return nil }
        rule = Policy.Repeat(everyDays: every, channel: channel, untilDpd: repeatUntilDpd)
      }
      guard escalations.count == escalationLifts.count,
        escalations.count == escalationFees.count,
        overrideKeys.count == overrideValues.count,
        let order = Policy.Priority(rawValue: priority)
      else { return nil }
      var up: [Policy.Escalation] = []
      for (k, e) in escalations.enumerated() {
        guard e.count == 2, e[1] == 0 || e[1] == 1 else { return nil }
        up.append(
          Policy.Escalation(
            atDpd: e[0], to: e[1] == 1 ? .agency : .manager, lift: escalationLifts[k],
            fee: escalationFees[k]))
      }
      return Policy(
        name: name, steps: stepList, repeatRule: rule, escalations: up,
        offerAutopay: offerAutopay, completion: completion, callsPerDay: callsPerDay,
        otherPerDay: otherPerDay, priority: order,
        overrides: zip(overrideKeys, overrideValues).map { (key: $0, value: $1) })
    }
  }

  /// The header line.
  struct Header: Codable {
    var format: Int
    var scenario: String
    var calibration: String
    var identity: String
    var method: String
    var start: String
    var horizonDays: Int
    var paths: Int
    var seed: UInt64
    var portfolioShock: Bool
    var parameterUncertainty: Bool
    var openInvoices: Int
    var openBalance: Int64
    var policies: [PolicyRecord]
    var pathsFrom: Int
    var pathsTo: Int
    var metrics: [String]
    var threads: Int
    var seconds: Double
    var cpuSeconds: Double
  }

  /// The names of the per-path scalars, in the payload's order.
  static var metricNames: [String] { ResultBuffers.Metric.allCases.map { "\($0)" } }

  /// The part as the bytes of its file.
  public func fileBytes() throws -> [UInt8] {
    let f = outputs.facts
    let b = outputs.buffers
    let header = Header(
      format: Self.format, scenario: scenario, calibration: calibration, identity: identity,
      method: "monte_carlo", start: f.start.description, horizonDays: f.settings.horizon,
      paths: f.settings.paths, seed: f.settings.seed, portfolioShock: f.settings.portfolioShock,
      parameterUncertainty: f.settings.parameterUncertainty, openInvoices: f.openInvoices,
      openBalance: f.openBalance, policies: f.policies.map(PolicyRecord.init),
      pathsFrom: range.lowerBound, pathsTo: range.upperBound, metrics: Self.metricNames,
      threads: f.settings.threads, seconds: outputs.seconds.isFinite ? outputs.seconds : 0,
      cpuSeconds: outputs.cpuSeconds.isFinite ? outputs.cpuSeconds : 0)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    var out = Array("\(Self.magic)\(Self.format)\n".utf8)
    out += Array(try encoder.encode(header))
    out.append(0x0A)
    let m = ResultBuffers.Metric.allCases.count
    let h = f.settings.horizon
    out.reserveCapacity(out.count + b.policies * b.paths * (m + h) * 8 + 8)
    func append(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    for k in 0..<b.policies {
      for i in 0..<(b.paths * m) { append(b.scalars[k * b.paths * m + i]) }
      for i in 0..<(b.paths * h) { append(b.cash[k * b.paths * h + i]) }
    }
    var sum = Fingerprint()
    out.withUnsafeBytes { sum.add(bytes: $0) }
    append(Int64(bitPattern: sum.value))
    return out
  }

  /// Writes the part as ``fileName`` into the folder `path` (created if missing); returns
  /// the file's path.
  @discardableResult
  public func write(to path: String) throws -> String {
    try OutputFolder(path).write(try fileBytes(), as: Self.fileName)
  }

  /// Reads the part at `path`: a part folder (its ``fileName``) or the file itself.
  public static func read(path: String) throws -> SimulationPart {
    var isFolder: ObjCBool = false
    let file =
      FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
      ? (path.hasSuffix("/") ? path : path + "/") + fileName : path
    let bytes = try InputFile.bytes(at: file, describing: "the part file \(file)")
    return try parse(bytes, name: file)
  }

  /// The part in `bytes`; `name` names it in errors. Every count is bounds-checked.
  static func parse(_ bytes: [UInt8], name: String) throws -> SimulationPart {
    // long-function: the file's layers checked in the order they are read (magic, checksum,
    // header fields, payload size, values); each refusal names what is wrong.
    func refuse(_ why: String) -> ArcadenceError {
      ArcadenceError(.usage, "\(name): \(why)")
    }
    let magic = Array(magic.utf8)
    guard bytes.starts(with: magic) else {
      throw refuse("not a simulation part (written by simulate --paths-from/--paths-to)")
    }
    guard let lineEnd = bytes[magic.count...].prefix(16).firstIndex(of: 0x0A),
      let version = Int(String(decoding: bytes[magic.count..<lineEnd], as: UTF8.self))
    else { throw refuse("not a simulation part: no format version") }
    guard version == format else {
      throw refuse(
        "a part of format \(version); this arcadence reads format \(format): run every part "
          + "with the same version")
    }
    guard bytes.count >= lineEnd + 1 + 8 else { throw refuse("cut short: no header") }
    let body = bytes.count - 8
    var sum = Fingerprint()
    bytes.withUnsafeBytes { sum.add(bytes: UnsafeRawBufferPointer(rebasing: $0[0..<body])) }
    guard Int64(bitPattern: sum.value) == int64(bytes, at: body) else {
      throw refuse("damaged or cut short (its checksum does not match): run that part again")
    }
    let headerStart = lineEnd + 1
    guard
      let headerEnd = bytes[headerStart..<body].prefix(largestHeader).firstIndex(of: 0x0A)
    else { throw refuse("no header line in its first \(largestHeader) bytes") }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let header: Header
    do {
      header = try decoder.decode(Header.self, from: Data(bytes[headerStart..<headerEnd]))
    } catch {
      throw refuse("its header is not a part header (\(error))")
    }
    guard header.format == format, header.method == "monte_carlo" else {
      throw refuse("its header says format \(header.format), method \(header.method)")
    }
    guard let start = Day(iso: header.start) else {
      throw refuse("start: not a valid date (value \(header.start))")
    }
    let h = header.horizonDays
    guard h >= 1, h <= 730 else { throw refuse("horizon_days: expected 1 to 730 (value \(h))") }
    guard start.offset(by: h - 1) != nil else {
      throw refuse("start \(start) with a horizon of \(h) days ends after \(Day.maximum)")
    }
    do {
      try SimulationSettings.check(paths: header.paths, threads: nil)
    } catch let e as ArcadenceError {
      throw refuse(e.message)
    }
    let range: Range<Int>
    do {
      range = try PathRange.check(
        from: header.pathsFrom, to: header.pathsTo, paths: header.paths)
    } catch let e as ArcadenceError {
      throw refuse(e.message)
    }
    guard (1...mostPolicies).contains(header.policies.count) else {
      throw refuse("expected 1 to \(mostPolicies) policies (value \(header.policies.count))")
    }
    let policies = header.policies.compactMap(\.policy)
    guard policies.count == header.policies.count else {
      throw refuse("a policy of its header is not one this arcadence knows")
    }
    guard header.metrics == metricNames else {
      throw refuse(
        "its per-path values are \(header.metrics.joined(separator: ", ")); this arcadence "
          + "writes \(metricNames.joined(separator: ", ")): run every part with the same version")
    }
    // At most 2^60 cents open: what an import lets a table of amounts hold in all.
    guard header.openInvoices >= 0, header.openBalance >= 0, header.openBalance <= 1 << 60
    else {
      throw refuse(
        "open_invoices \(header.openInvoices), open_balance \(header.openBalance): expected "
          + "0 or more, the balance at most 2^60 cents")
    }
    // The payload: policies × paths × (metrics + horizon) values of 8 bytes, all bounded
    // above, so the product fits an Int.
    let m = metricNames.count
    let count = range.count
    let values = header.policies.count * count * (m + h)
    guard body - (headerEnd + 1) == values * 8 else {
      throw refuse(
        "holds \(body - (headerEnd + 1)) bytes of values; its header (\(PathRange.text(range)), "
          + "\(header.policies.count) policies, \(h) days) says \(values * 8)")
    }
    let buffers = ResultBuffers(
      policies: policies.count, paths: count, horizon: h, firstPath: range.lowerBound)
    var at = headerEnd + 1
    func next() throws -> Int64 {
      let v = int64(bytes, at: at)
      guard v >= 0, v <= largestValue else {
        throw refuse("a value out of range at byte \(at) (\(v); at most 2^53)")
      }
      at += 8
      return v
    }
    for k in 0..<policies.count {
      for i in 0..<(count * m) { buffers.scalars[k * count * m + i] = try next() }
      for i in 0..<(count * h) { buffers.cash[k * count * h + i] = try next() }
    }
    let settings = SimulationSettings(
      horizon: h, paths: header.paths, seed: header.seed, threads: max(1, header.threads),
      portfolioShock: header.portfolioShock, parameterUncertainty: header.parameterUncertainty)
    return SimulationPart(
      scenario: header.scenario, calibration: header.calibration, identity: header.identity,
      outputs: PathOutputs(
        facts: RunFacts(
          start: start, policies: policies, settings: settings,
          openInvoices: header.openInvoices, openBalance: header.openBalance),
        buffers: buffers, seconds: header.seconds.isFinite ? header.seconds : 0,
        cpuSeconds: header.cpuSeconds.isFinite ? header.cpuSeconds : 0))
  }

  /// The little-endian Int64 at `offset` (the caller checked that 8 bytes are there).
  static func int64(_ bytes: [UInt8], at offset: Int) -> Int64 {
    var v: UInt64 = 0
    for k in 0..<8 { v |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
    return Int64(bitPattern: v)
  }
}
