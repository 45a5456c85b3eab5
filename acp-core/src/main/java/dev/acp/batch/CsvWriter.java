package dev.acp.batch;

import java.util.List;

/** Writes CSV lines as RFC 4180 says, so that the results read back with any CSV reader. */
final class CsvWriter {
    private CsvWriter() {}

    /** One record and its line break; fields with commas, quotes or line breaks are quoted. */
    static String line(List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String f = fields.get(i);
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                sb.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(f);
            }
        }
        return sb.append("\r\n").toString();
    }
}
