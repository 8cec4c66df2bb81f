import Testing

@testable import ArcadenceCore

/// The JSON writer: escapes, exact money, integers at their limits, layout.
@Suite struct JSONValueTests {
  @Test func stringsAreEscapedAndEverythingElseIsCopied() {
    let text = "a\"b\\c\nd\re\tf\u{1}g\u{1F}h/é\u{301}😀"
    #expect(
      JSONValue.string(text).rendered()
        == "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh/é\u{301}😀\"")
    // Byte-exact: the combining accent stays a separate scalar.
    #expect(Array(JSONValue.string("e\u{301}").rendered().utf8) == [34, 101, 0xCC, 0x81, 34])
    #expect(JSONValue.string("").rendered() == "\"\"")
  }

  @Test func numbersAndMoneyAreExact() {
    #expect(JSONValue.int(0).rendered() == "0")
    #expect(JSONValue.int(Int64.min).rendered() == "-9223372036854775808")
    #expect(JSONValue.int(Int64.max).rendered() == "9223372036854775807")
    #expect(JSONValue.money(123_450).rendered() == "1234.50")
    #expect(JSONValue.money(-5).rendered() == "-0.05")
    #expect(JSONValue.money(0).rendered() == "0.00")
    #expect(JSONValue.money(Int64.min).rendered() == "-92233720368547758.08")
    #expect(JSONValue.number(2.5).rendered() == "2.5")
    #expect(JSONValue.number(3).rendered() == "3")
    #expect(JSONValue.number(.nan).rendered() == "null")
  }

  @Test func prettyAndCompactLayouts() {
    let doc = JSONValue.object([
      ("k", .array([.int(1), .null, .bool(true)])), ("e", .object([])), ("a", .array([])),
    ])
    #expect(doc.rendered(pretty: false) == "{\"k\":[1,null,true],\"e\":{},\"a\":[]}")
    #expect(
      doc.rendered()
        == "{\n  \"k\": [\n    1,\n    null,\n    true\n  ],\n  \"e\": {},\n  \"a\": []\n}")
    #expect(doc.utf8() == Array(doc.rendered().utf8))
  }

  /// The streaming writer lays a document out exactly as the tree does: nested containers,
  /// empty ones, the comma after the first member only, both layouts.
  @Test func theWriterLaysOutLikeTheTree() {
    for pretty in [true, false] {
      var w = JSONWriter(pretty: pretty)
      w.beginObject()
      w.key("k")
      w.beginArray()
      w.element()
      w.int(Int64(1))
      w.element()
      w.null()
      w.element()
      w.beginObject()
      w.key("m")
      w.money(-5)
      w.key("s")
      w.string(nil)
      w.endObject()
      w.endArray()
      w.key("e")
      w.beginObject()
      w.endObject()
      w.key("a")
      w.beginArray()
      w.endArray()
      w.endObject()
      let expected =
        pretty
        ? "{\n  \"k\": [\n    1,\n    null,\n    {\n      \"m\": -0.05,\n      \"s\": null\n    }\n  ],"
          + "\n  \"e\": {},\n  \"a\": []\n}"
        : "{\"k\":[1,null,{\"m\":-0.05,\"s\":null}],\"e\":{},\"a\":[]}"
      #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
      let tree = JSONValue.object([
        ("k", .array([.int(1), .null, .object([("m", .money(-5)), ("s", .null)])])),
        ("e", .object([])), ("a", .array([])),
      ])
      #expect(tree.rendered(pretty: pretty) == expected)
    }
  }
}
