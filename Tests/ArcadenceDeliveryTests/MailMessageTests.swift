import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceDelivery

/// The MIME message of a report, on a fixture small enough to decode by hand.
@Suite struct MailMessageTests {
  /// `<p>Hi</p>` is 3C 70 3E 48 69 3C 2F 70 3E: base64 `PHA+` `SGk8` `L3A+`; the image
  /// bytes 01 02 03 are `AQID`; `Relevé` is 52 65 6C 65 76 C3 A9: `UmVs` `ZXbD` `qQ==`.
  static func message(subject: String = "Relevé", to: String = "mona@example.com") -> MailMessage {
    MailMessage(
      fromName: "arcadence", fromAddress: "reports@example.com", to: to, subject: subject,
      date: Int64(Day(year: 2026, month: 11, day: 30)?.rawValue ?? 0) * 86_400 + 21 * 3600
        + 5 * 60,
      messageId: "m1@arcadence", html: "<p>Hi</p>",
      images: [.init(contentId: "chart1@arcadence", fileName: "cash.png", bytes: [1, 2, 3])],
      attachments: [
        .init(
          fileName: "kpis.csv", contentType: "text/csv; charset=utf-8", bytes: Array("a,b\r\n".utf8)
        )
      ])
  }

  @Test func theWholeMessageLineByLine() throws {
    let text = String(decoding: try Self.message().rendered(boundary: "B"), as: UTF8.self)
    let expected = [
      "From: \"arcadence\" <reports@example.com>",
      "To: <mona@example.com>",
      "Subject: =?UTF-8?B?UmVsZXbDqQ==?=",
      "Date: Mon, 30 Nov 2026 21:05:00 +0000",
      "Message-ID: <m1@arcadence>",
      "MIME-Version: 1.0",
      "Content-Type: multipart/mixed; boundary=\"=_arcadence_mixed_B\"",
      "",
      "This is a MIME message: open it in a mail program that shows HTML.",
      "--=_arcadence_mixed_B",
      "Content-Type: multipart/related; boundary=\"=_arcadence_related_B\"; type=\"text/html\"",
      "",
      "--=_arcadence_related_B",
      "Content-Type: text/html; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      "PHA+SGk8L3A+",
      "--=_arcadence_related_B",
      "Content-Type: image/png",
      "Content-Transfer-Encoding: base64",
      "Content-ID: <chart1@arcadence>",
      "Content-Disposition: inline; filename=\"cash.png\"",
      "",
      "AQID",
      "--=_arcadence_related_B--",
      "--=_arcadence_mixed_B",
      "Content-Type: text/csv;charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "Content-Disposition: attachment; filename=\"kpis.csv\"",
      "",
      "YSxiDQo=",
      "--=_arcadence_mixed_B--",
      "",
    ]
    #expect(text.components(separatedBy: "\r\n") == expected)
    // Every line ends with CRLF: no bare LF anywhere.
    #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
  }

  @Test func headerInjectionFromStoredTextIsNeutralised() throws {
    // A subject (a team or rep name from the data) with CR/LF and a header after them.
    let text = String(
      decoding: try Self.message(subject: "Weekly\r\nBcc: evil@x.example\n\nbody").rendered(
        boundary: "B"), as: UTF8.self)
    let lines = text.components(separatedBy: "\r\n")
    #expect(lines.contains("Subject: Weekly  Bcc: evil@x.example  body"))
    #expect(!lines.contains { $0.hasPrefix("Bcc:") })
    // The headers end at the first empty line, after MIME's Content-Type: nothing injected.
    #expect(lines.firstIndex(of: "") == 7)
    // An address with a line break is refused, naming the header.
    #expect(throws: ArcadenceError.self) {
      try Self.message(to: "mona@example.com\r\nBcc: evil@x.example").rendered()
    }
  }

  @Test func encodedWordsAndMailboxes() throws {
    // é is C3 A9: base64 w6k=.
    #expect(HeaderText.encoded("é") == "=?UTF-8?B?w6k=?=")
    #expect(HeaderText.encoded("plain text") == "plain text")
    // Text that looks like an encoded word is encoded itself, so it reads back as typed.
    #expect(HeaderText.encoded("=?x?=").hasPrefix("=?UTF-8?B?"))
    // 46 two-byte letters: 45 bytes fit a word (22 letters, 44 bytes), then 22, then 2.
    let long = String(repeating: "é", count: 46)
    let words = HeaderText.encoded(long).components(separatedBy: "\r\n ")
    #expect(words.count == 3)
    #expect(words.allSatisfy { $0.count <= 75 })
    #expect(
      HeaderText.mailbox(name: "Mona \"M\" O'Neil", address: "mona@example.com")
        == "\"Mona \\\"M\\\" O'Neil\" <mona@example.com>")
    #expect(HeaderText.mailbox(name: "", address: "mona@example.com") == "<mona@example.com>")
  }

  @Test func addressesAreCheckedStrictly() throws {
    try HeaderText.checkAddress("mona@example.com", name: "--email")
    for bad in [
      "mona@example.com\r\nBcc: x@y.z", "<mona@example.com>", "mona @example.com", "mona",
      "mona@localhost", "@example.com", "a@b@example.com", "mona@example.com,x@y.z", "é@x.fr",
    ] {
      let error = #expect(throws: ArcadenceError.self) {
        try HeaderText.checkAddress(bad, name: "--email")
      }
      #expect(error?.code == .usage)
      #expect(error?.message.hasPrefix("--email: not an e-mail address") == true)
    }
  }

  @Test func dotStuffing() {
    func stuffed(_ s: String) -> String {
      String(decoding: SMTPClient.dotStuffed(Array(s.utf8)), as: UTF8.self)
    }
    #expect(stuffed("a\r\n.b\r\n..c\r\n") == "a\r\n..b\r\n...c\r\n.\r\n")
    // A first line starting with a dot, a bare LF and no final line end.
    #expect(stuffed(".x\n.y") == "..x\r\n..y\r\n.\r\n")
    // A lone "." line in the text cannot end the data early.
    #expect(stuffed("x\r\n.\r\ny\r\n") == "x\r\n..\r\ny\r\n.\r\n")
  }

  @Test func dateHeader() {
    #expect(MailMessage.dateHeader(0) == "Thu, 1 Jan 1970 00:00:00 +0000")
    #expect(MailMessage.dateHeader(86_399) == "Thu, 1 Jan 1970 23:59:59 +0000")
  }

  @Test func slackTextIsEscaped() {
    #expect(Webhook.escaped("<@U1> & <!channel>") == "&lt;@U1&gt; &amp; &lt;!channel&gt;")
    #expect(
      String(decoding: Webhook.body(text: "a\"b\nc"), as: UTF8.self) == "{\"text\":\"a\\\"b\\nc\"}")
  }

  @Test func settingsComeFromTheEnvironmentAndNameTheVariable() throws {
    #expect(try SMTPSettings.fromEnvironment([:]) == nil)
    let base = ["ARCADENCE_SMTP_HOST": "mail.example.com", "ARCADENCE_SMTP_FROM": "r@example.com"]
    let s = try SMTPSettings.fromEnvironment(base)
    #expect(s?.port == 587)
    #expect(s?.tls == .required)
    func message(_ extra: [String: String]) -> String? {
      do {
        _ = try SMTPSettings.fromEnvironment(base.merging(extra) { _, b in b })
        return nil
      } catch let error as ArcadenceError {
        return error.message
      } catch {
        return "\(error)"
      }
    }
    #expect(
      message(["ARCADENCE_SMTP_PORT": "0"])
        == "ARCADENCE_SMTP_PORT: expected 1 to 65,535 (value \"0\")")
    #expect(
      message(["ARCADENCE_SMTP_STARTTLS": "maybe"])
        == "ARCADENCE_SMTP_STARTTLS: expected required or off (value \"maybe\")")
    #expect(
      message(["ARCADENCE_SMTP_USER": "u"])
        == "ARCADENCE_SMTP_PASSWORD: needed with ARCADENCE_SMTP_USER")
    #expect(
      message([
        "ARCADENCE_SMTP_USER": "u", "ARCADENCE_SMTP_PASSWORD": "p",
        "ARCADENCE_SMTP_STARTTLS": "off",
      ])?
      .hasPrefix("ARCADENCE_SMTP_USER: credentials are sent only after STARTTLS") == true)
    #expect(
      message(["ARCADENCE_SMTP_FROM": "x\r\nBcc: y@z.example"])?.hasPrefix(
        "ARCADENCE_SMTP_FROM: not an e-mail address") == true)
  }
}
