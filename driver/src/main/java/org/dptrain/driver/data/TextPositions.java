package org.dptrain.driver.data;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.Path;

/**
 * Turns where an example is into words for messages. Only error paths come here: counting lines
 * reads the file from its start.
 */
final class TextPositions {
  private TextPositions() {}

  /**
   * {@code line N} for LIBSVM and CSV, whose positions are byte offsets of lines; {@code row N
   * (0-based)} for the others. If the file cannot be read to count lines, says so with the
   * offset rather than guessing a line.
   */
  static String location(DataFormat format, HadoopConf conf, String file, long pos) {
    if (format != DataFormat.LIBSVM && format != DataFormat.CSV) {
      return DataValidationException.row(pos);
    }
    return lineLocation(conf, file, pos);
  }

  /** {@code line N} of the line starting at byte {@code offset} of a text file. */
  static String lineLocation(HadoopConf conf, String file, long offset) {
    try {
      return DataValidationException.line(lineNumber(conf, file, offset));
    } catch (IOException | RuntimeException e) {
      return "at byte offset " + offset + " (line not known: " + e + ")";
    }
  }

  /**
   * The 1-based number of the line starting at byte {@code offset} of the file's decompressed
   * text: one more than the line terminators before it, where {@code \n}, {@code \r\n} and a lone
   * {@code \r} each end a line, as in Hadoop's LineReader.
   */
  static long lineNumber(HadoopConf conf, String file, long offset) throws IOException {
    long lines = 1;
    long read = 0;
    boolean afterCr = false;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = SourceFiles.openText(conf.get(), new Path(file))) {
      while (read < offset) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, offset - read));
        if (n < 0) {
          throw new IOException(file + " ends after " + read + " bytes, before offset " + offset);
        }
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\r') {
            lines++;
          } else if (b == '\n' && !afterCr) {
            lines++;
          }
          afterCr = b == '\r';
        }
        read += n;
      }
    }
    return lines;
  }
}
