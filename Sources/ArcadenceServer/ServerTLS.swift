import ArcadenceCore
import HummingbirdTLS
import NIOSSL

/// `--tls-cert` and `--tls-key`: the server's certificate chain and private key, read and
/// checked when the server starts, so a missing, unreadable or malformed file, or a key
/// that is not the certificate's, stops `arcadence serve` with a usage error (exit 2)
/// naming the option and the file, never at the first connection.
public enum ServerTLS {
  /// The TLS configuration for the PEM files at `certificate` (a chain, the server's
  /// certificate first) and `key` (an unencrypted private key).
  public static func configuration(certificate: String, key: String) throws
    -> TLSConfiguration
  {
    let chainBytes = try read(certificate, option: "--tls-cert", what: "certificate")
    let keyBytes = try read(key, option: "--tls-key", what: "private key")
    // NIOSSL's own words here (`failedToLoadCertificate`) tell a person nothing more.
    guard let chain = try? NIOSSLCertificate.fromPEMBytes(chainBytes), !chain.isEmpty else {
      throw ArcadenceError(
        .usage,
        "--tls-cert: not a PEM certificate (-----BEGIN CERTIFICATE-----) "
          + "(file \"\(certificate)\")")
    }
    // With no passphrase callback an encrypted key fails here rather than prompting.
    guard let privateKey = try? NIOSSLPrivateKey(bytes: keyBytes, format: .pem) else {
      throw ArcadenceError(
        .usage, "--tls-key: not an unencrypted PEM private key (file \"\(key)\")")
    }
    var configuration = TLSConfiguration.makeServerConfiguration(
      certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    configuration.minimumTLSVersion = .tlsv12
    // BoringSSL checks here that the key is the certificate's (a mismatch would otherwise
    // fail every handshake with nothing said at start).
    do {
      _ = try NIOSSLContext(configuration: configuration)
    } catch NIOSSLError.failedToLoadPrivateKey {
      throw ArcadenceError(
        .usage,
        "--tls-key: the private key is not the certificate's (files \"\(key)\", "
          + "\"\(certificate)\")")
    } catch {
      throw ArcadenceError(
        .usage,
        "--tls-cert/--tls-key: the pair cannot be used for TLS (files \"\(certificate)\", "
          + "\"\(key)\"): \(error)")
    }
    return configuration
  }

  static func read(_ path: String, option: String, what: String) throws -> [UInt8] {
    do {
      return try InputFile.bytes(at: path, describing: "the \(what) file \"\(path)\"")
    } catch let error as ArcadenceError {
      throw ArcadenceError(.usage, "\(option): \(error.message)")
    }
  }
}
