package org.dptrain.driver.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.dptrain.json.BadDocumentException;
import org.dptrain.json.BoundedJson;

/**
 * The metrics log of a run: one {@link EpochRecord} per line of {@value #FILE} in the run
 * directory, and of the extra {@code --metrics-file} when there is one, appended as training goes.
 * {@link #read} is the one reader of such a file.
 */
public final class MetricsLog {
  /** The metrics file inside a run directory: one JSON object per epoch. */
  public static final String FILE = "metrics.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Path> files;
  private final List<EpochRecord> records = new ArrayList<>();

  /** A log written to each of {@code files} (created on the first line). */
  MetricsLog(List<Path> files) {
    this.files = List.copyOf(files);
  }

  /** The records so far, oldest first. */
  List<EpochRecord> records() {
    return List.copyOf(records);
  }

  /**
   * Appends one record to every file.
   *
   * @throws IllegalStateException if a file cannot be written
   */
  void append(EpochRecord r) {
    records.add(r);
    write(List.of(r));
  }

  /** Writes the records of the run before a resume (they are not in the new files yet). */
  void restore(List<EpochRecord> before) {
    records.addAll(before);
    write(before);
  }

  private void write(List<EpochRecord> rs) {
    StringBuilder b = new StringBuilder();
    try {
      for (EpochRecord r : rs) {
        b.append(JSON.writeValueAsString(r.toJson())).append('\n');
      }
      for (Path p : files) {
        try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
          w.write(b.toString());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the metrics file: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a metrics file: its records in file order, numbered consecutively (from 1, or from a
   * later epoch for a resumed run). Blank lines are skipped. The file is read with
   * {@link BoundedJson}'s limits: at most {@link BoundedJson#MAX_DOCUMENT_BYTES} in all, each line
   * a bounded JSON document without a key twice.
   *
   * @throws IllegalArgumentException naming the file, the line and what is wrong, or a file that
   *     holds no epoch or is too large
   * @throws IOException if the file cannot be read
   */
  public static List<EpochRecord> read(Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      BoundedJson.checkSize(Files.size(file), BoundedJson.MAX_DOCUMENT_BYTES, file.toString());
      bytes = BoundedJson.readAtMost(in, BoundedJson.MAX_DOCUMENT_BYTES, file.toString());
    } catch (BadDocumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
    List<EpochRecord> epochs = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String where = file + " line " + (i + 1);
      JsonNode o;
      try {
        o = BoundedJson.readTree(line.getBytes(StandardCharsets.UTF_8), where);
      } catch (BadDocumentException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      EpochRecord r = EpochRecord.fromJson(o, where);
      if (r.epoch() < 1) {
        throw new IllegalArgumentException(where + ": epoch " + r.epoch()
            + " must be at least 1");
      }
      if (!epochs.isEmpty() && r.epoch() != epochs.get(epochs.size() - 1).epoch() + 1) {
        throw new IllegalArgumentException(where + ": epoch " + r.epoch() + " follows epoch "
            + epochs.get(epochs.size() - 1).epoch() + "; epochs must be consecutive");
      }
      epochs.add(r);
    }
    if (epochs.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no epoch");
    }
    return epochs;
  }
}
