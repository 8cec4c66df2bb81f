import ArcadenceCore
import NIOCore

/// Which address a request comes from, for the login throttle, the audit log and the log
/// line (serve.md: rate-limited per address; the audit says from which address).
///
/// The socket's peer address, unless the peer is a proxy named with `--trusted-proxy`: then
/// `X-Forwarded-For` is read from the right (the hop nearest the server first), trusted
/// proxies are skipped, and the first address that is not one is the client's. Without
/// `--trusted-proxy` the header is ignored, so a client cannot pick the address it is
/// throttled and audited under. An entry that is not an IP address stops the walk at the
/// last good hop (a proxy that forwards garbage is not believed past that point).
public enum ClientAddress {
  /// The canonical text of an IPv4 or IPv6 address (`::1`, `192.0.2.7`), or nil when `text`
  /// is not one (a host name, a port, a CIDR range, anything else). An IPv4-mapped IPv6
  /// address is its IPv4 address (`::ffff:10.0.0.1` and `::ffff:a00:1` are `10.0.0.1`): a
  /// dual-stack socket reports an IPv4 peer that way, and a proxy named either way is the
  /// same proxy (and the same address for the throttle and the audit).
  public static func canonical(_ text: String) -> String? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty, !trimmed.contains("%"),
      let address = try? SocketAddress(ipAddress: trimmed, port: 0),
      let canonical = address.ipAddress
    else { return nil }
    return ipv4(mapped: canonical) ?? canonical
  }

  /// The IPv4 address inside an IPv4-mapped IPv6 address's canonical text
  /// (`::ffff:10.0.0.1` → `10.0.0.1`), else nil.
  static func ipv4(mapped canonical: String) -> String? {
    // inet_ntop writes lowercase hex, so the canonical text starts with exactly this.
    let prefix = "::ffff:"
    guard canonical.utf8.count > prefix.utf8.count, canonical.utf8.starts(with: prefix.utf8)
    else { return nil }
    let rest = String(canonical.dropFirst(prefix.count))
    guard rest.contains("."), let v4 = try? SocketAddress(ipAddress: rest, port: 0),
      case .v4 = v4
    else { return nil }
    return v4.ipAddress
  }

  /// The trusted proxies of `--trusted-proxy`, canonical; anything that is not an IP address
  /// is a usage error naming the option and the value.
  public static func trusted(_ addresses: [String]) throws -> Set<String> {
    var out: Set<String> = []
    for text in addresses {
      guard let address = canonical(text) else {
        throw ArcadenceError(
          .usage,
          "--trusted-proxy: expected the proxy's IP address, such as 127.0.0.1 or ::1 "
            + "(value \"\(text)\")")
      }
      out.insert(address)
    }
    return out
  }

  /// The client's address: `peer` (the socket's), or when `peer` is trusted, the first
  /// untrusted address of `forwardedFor` (every `X-Forwarded-For` header's value, in order)
  /// read from the right.
  public static func resolve(peer: String, forwardedFor: [String], trusted: Set<String>)
    -> String
  {
    // No trusted proxy (the default): the socket's address as the socket reports it
    // (inet_ntop's canonical text), an IPv4-mapped one as its IPv4 address.
    if trusted.isEmpty { return ipv4(mapped: peer) ?? peer }
    let peer = canonical(peer) ?? peer
    guard trusted.contains(peer) else { return peer }
    let hops = forwardedFor.flatMap { $0.split(separator: ",").map(String.init) }
    var client = peer
    for hop in hops.reversed() {
      guard let address = canonical(hop) else { break }
      client = address
      if !trusted.contains(address) { break }
    }
    return client
  }
}
