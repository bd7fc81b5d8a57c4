import TenureCSV
import Testing

/// RFC 4180 as the import reads it and the export writes it (`INTEGRATIONS.md`, CSV).
@Suite struct CSVTests {
    func records(_ text: String, delimiter: Character = ",") throws -> [[String]] {
        var reader = CSVReader(Array(text.utf8), delimiter: delimiter.asciiValue!)
        var records: [[String]] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    @Test func quotesDelimitersAndLineBreaksInsideFields() throws {
        let text = "name,notes\r\n\"Acme, Inc.\",\"said \"\"hi\"\"\r\nthen left\"\r\nBeta,\r\n,\n\"\",x"
        #expect(try records(text) == [["name", "notes"], ["Acme, Inc.", "said \"hi\"\r\nthen left"], ["Beta", ""], ["", ""], ["", "x"]])
    }

    @Test func lfAndCRLFAndAFinalLineBreak() throws {
        #expect(try records("a,b\nc,d\n") == [["a", "b"], ["c", "d"]])
        #expect(try records("a,b\r\nc,d\r\n") == [["a", "b"], ["c", "d"]])
        #expect(try records("a,b\r\nc,d") == [["a", "b"], ["c", "d"]])
        #expect(try records("a\n\nb") == [["a"], [""], ["b"]])
    }

    @Test func aByteOrderMarkIsDropped() throws {
        var reader = CSVReader(CSVReader.byteOrderMark + Array("name;domain\nÄrzte;x.de".utf8), delimiter: UInt8(ascii: ";"))
        #expect(try reader.next() == ["name", "domain"])
        #expect(try reader.next() == ["Ärzte", "x.de"])
        #expect(reader.record == 2)
    }

    @Test func theDelimiterIsTheOneTheHeaderHasMoreOfOutsideQuotes() {
        #expect(CSVReader.delimiter(of: Array("name;domain;segment\na,b;c".utf8)) == UInt8(ascii: ";"))
        #expect(CSVReader.delimiter(of: Array("\"a;b;c\",d\n".utf8)) == UInt8(ascii: ","))
        #expect(CSVReader.delimiter(of: CSVReader.byteOrderMark + Array("x;y".utf8)) == UInt8(ascii: ";"))
        #expect(CSVReader.delimiter(of: Array("single".utf8)) == UInt8(ascii: ","))
    }

    @Test func brokenInputNamesTheRecord() {
        #expect(throws: CSVReader.Failure.unbalancedQuote(record: 2)) { try records("a,b\n\"open,x\nmore") }
        #expect(throws: CSVReader.Failure.textAfterQuote(record: 1, field: 2)) { try records("a,\"b\"c") }
        var reader = CSVReader([0x61, 0x2C, 0xFF, 0x0A], delimiter: UInt8(ascii: ","))
        #expect(throws: CSVReader.Failure.notUTF8(record: 1, field: 2)) { try reader.next() }
    }

    @Test func writtenRecordsReadBack() throws {
        var output: [UInt8] = []
        let cells: [CSVWriter.Cell] = [.text("Acme, \"Inc\""), .value("-12.5"), .empty, .text("=1+2"), .text("line\nbreak"), .value("true")]
        CSVWriter.append(cells, to: &output)
        #expect(String(decoding: output, as: UTF8.self) == "\"Acme, \"\"Inc\"\"\",-12.5,,'=1+2,\"line\nbreak\",true\r\n")
        var reader = CSVReader(output, delimiter: UInt8(ascii: ","))
        #expect(try reader.next() == ["Acme, \"Inc\"", "-12.5", "", "'=1+2", "line\nbreak", "true"])
    }

    @Test(arguments: ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"])
    func formulaCellsAreEscapedAndTheImportUndoesIt(text: String) {
        let escaped = CSVWriter.escapingFormula(text)
        #expect(escaped == "'" + text)
        #expect(CSVWriter.unescapingFormula(escaped) == text)
    }

    @Test func otherTextIsLeftAlone() {
        for text in ["Acme", "'quoted'", "'", "", "1=1", "x-y"] {
            #expect(CSVWriter.escapingFormula(text) == text)
            #expect(CSVWriter.unescapingFormula(text) == text)
        }
    }
}
