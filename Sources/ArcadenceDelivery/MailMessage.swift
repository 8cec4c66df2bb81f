import ArcadenceCore

/// An e-mail as a report is sent: an HTML body with images shown inline (`cid:` parts) and
/// files attached, written as one MIME document (RFC 5322 headers, RFC 2045–2047, RFC 2387
/// `multipart/related`).
///
/// The layout is `multipart/mixed` { `multipart/related` { `text/html`, `image/png`… },
/// attachments… }. Every body is base64 (lines of 76 characters), so no line of a body can
/// start with `-` (a boundary) or `.` (SMTP's end of data), and no body line is too long.
/// Header values from stored text go through ``HeaderText``: controls become spaces,
/// non-ASCII is RFC 2047 encoded, addresses are checked, so no stored text can add a header.
public struct MailMessage: Sendable {
  /// An image shown inline: the HTML refers to it as `cid:` + ``contentId``.
  public struct InlineImage: Sendable {
    /// The Content-ID without angle brackets (`chart1@arcadence`): ASCII letters, digits,
    /// `.`, `-`, `_` and one `@`.
    public var contentId: String
    public var fileName: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(
      contentId: String, fileName: String, contentType: String = "image/png", bytes: [UInt8]
    ) {
      self.contentId = contentId
      self.fileName = fileName
      self.contentType = contentType
      self.bytes = bytes
    }
  }

  /// A file attached (a CSV).
  public struct Attachment: Sendable {
    public var fileName: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(fileName: String, contentType: String, bytes: [UInt8]) {
      self.fileName = fileName
      self.contentType = contentType
      self.bytes = bytes
    }
  }

  public var fromName: String
  public var fromAddress: String
  public var to: String
  public var subject: String
  /// Seconds since the epoch (UTC), written as the `Date` header.
  public var date: Int64
  /// The Message-ID without angle brackets.
  public var messageId: String
  public var html: String
  public var images: [InlineImage]
  public var attachments: [Attachment]

  public init(
    fromName: String, fromAddress: String, to: String, subject: String, date: Int64,
    messageId: String, html: String, images: [InlineImage] = [], attachments: [Attachment] = []
  ) {
    self.fromName = fromName
    self.fromAddress = fromAddress
    self.to = to
    self.subject = subject
    self.date = date
    self.messageId = messageId
    self.html = html
    self.images = images
    self.attachments = attachments
  }

  /// The message as bytes with CRLF line ends, ready for SMTP's DATA (before dot-stuffing,
  /// which ``SMTPClient`` applies). `boundary` makes the boundaries (random by default);
  /// the addresses are checked again here (usage errors naming `From` or `To`).
  public func rendered(boundary: String = MailMessage.randomToken()) throws -> [UInt8] {
    try HeaderText.checkAddress(fromAddress, name: "From")
    try HeaderText.checkAddress(to, name: "To")
    let mixed = "=_arcadence_mixed_" + boundary
    let related = "=_arcadence_related_" + boundary
    var out = ""
    out += "From: " + HeaderText.mailbox(name: fromName, address: fromAddress) + "\r\n"
    out += "To: <\(to)>\r\n"
    out += "Subject: " + HeaderText.encoded(subject) + "\r\n"
    out += "Date: " + MailMessage.dateHeader(date) + "\r\n"
    out += "Message-ID: <" + MailMessage.token(messageId) + ">\r\n"
    out += "MIME-Version: 1.0\r\n"
    out += "Content-Type: multipart/mixed; boundary=\"\(mixed)\"\r\n"
    out += "\r\n"
    out += "This is a MIME message: open it in a mail program that shows HTML.\r\n"
    out += "--\(mixed)\r\n"
    out += "Content-Type: multipart/related; boundary=\"\(related)\"; type=\"text/html\"\r\n"
    out += "\r\n"
    out += "--\(related)\r\n"
    out += "Content-Type: text/html; charset=utf-8\r\n"
    out += "Content-Transfer-Encoding: base64\r\n\r\n"
    out += Base64.encodeLines(Array(html.utf8))
    for image in images {
      out += "--\(related)\r\n"
      out += "Content-Type: \(MailMessage.token(image.contentType))\r\n"
      out += "Content-Transfer-Encoding: base64\r\n"
      out += "Content-ID: <\(MailMessage.token(image.contentId))>\r\n"
      out += "Content-Disposition: inline; filename=\"\(MailMessage.fileName(image.fileName))\"\r\n"
      out += "\r\n"
      out += Base64.encodeLines(image.bytes)
    }
    out += "--\(related)--\r\n"
    for file in attachments {
      out += "--\(mixed)\r\n"
      out += "Content-Type: \(MailMessage.token(file.contentType))\r\n"
      out += "Content-Transfer-Encoding: base64\r\n"
      out +=
        "Content-Disposition: attachment; filename=\"\(MailMessage.fileName(file.fileName))\"\r\n"
      out += "\r\n"
      out += Base64.encodeLines(file.bytes)
    }
    out += "--\(mixed)--\r\n"
    return Array(out.utf8)
  }

  /// Only ASCII letters, digits and `.-_@/;=+` of `text` (content types, ids): anything
  /// else is dropped, so a value can never hold a quote, a space or a line break.
  static func token(_ text: String) -> String {
    String(
      text.unicodeScalars.filter {
        $0.isASCII
          && (("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
            || ".-_@/;=+".unicodeScalars.contains($0))
      }.map(Character.init))
  }

  /// A file name for `filename="…"`: kept when it is a safe file name (``FileName``), else
  /// its safe form.
  static func fileName(_ name: String) -> String {
    FileName.isFileName(name) ? name : FileName.safe(name)
  }

  /// 32 random hexadecimal digits (boundaries, Message-IDs).
  public static func randomToken() -> String {
    var rng = SystemRandomNumberGenerator()
    return (0..<4).map { _ in
      let v = rng.next() as UInt32
      let hex = String(v, radix: 16)
      return String(repeating: "0", count: 8 - hex.count) + hex
    }.joined()
  }

  /// `Mon, 30 Nov 2026 21:05:00 +0000` (RFC 5322 §3.3, in UTC).
  public static func dateHeader(_ seconds: Int64) -> String {
    let t = Timestamp(seconds: seconds)
    let day = t.day
    let (y, m, d) = day.civil
    let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    let months = [
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    let inDay = Int(seconds - Int64(day.rawValue) * 86_400)
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(names[day.weekdayFromMonday]), \(d) \(months[m - 1]) \(y) "
      + "\(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) +0000"
  }
}
