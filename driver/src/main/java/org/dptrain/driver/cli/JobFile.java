package org.dptrain.driver.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.dptrain.driver.config.Setting;
import org.dptrain.driver.config.SettingTable;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * A job file: YAML whose keys are the long option names without dashes ({@code layers},
 * {@code batch-size}, ...), whose values are scalars or lists (joined with commas). A key given
 * twice is an error naming both lines; the file is at most {@value #MAX_BYTES} bytes and
 * {@value #MAX_DEPTH} levels deep. Its values
 * become the defaults of the options, so flags on the command line override them. Relative input
 * paths in it ({@code data}, {@code validation}, {@code init-model}, {@code holdout}) are relative
 * to the job file's directory, so a job file works from any working directory; {@code output}
 * stays relative to the working directory.
 */
final class JobFile implements CommandLine.IDefaultValueProvider {
  /** The largest job file read. */
  static final int MAX_BYTES = 1 << 20;
  /** The deepest nesting read (a job file needs 2: the mapping and a list). */
  static final int MAX_DEPTH = 16;
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build());

  /** Keys whose relative values are resolved against the job file's directory. */
  static final List<String> INPUT_PATH_KEYS =
      List.of("data", "validation", "init-model", "holdout");

  private final String source;
  private final Map<String, String> values;
  private final Map<String, Integer> lines;

  private JobFile(String source, Map<String, String> values, Map<String, Integer> lines) {
    this.source = source;
    this.values = values;
    this.lines = lines;
  }

  /** Reads a job file from disk. */
  static JobFile read(Path path) throws IOException {
    JobFile file;
    try (InputStream in = Files.newInputStream(path)) {
      file = parse(path.toString(), in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("job file not found: " + path, e);
    }
    Path base = path.toAbsolutePath().normalize().getParent();
    for (String key : INPUT_PATH_KEYS) {
      String v = file.values.get(key);
      if (v != null && !v.contains(":") && !Paths.get(v).isAbsolute()) {
        file.values.put(key, base.resolve(v).normalize().toString());
      }
    }
    return file;
  }

  /** Reads a job file shipped on the classpath. */
  static JobFile resource(String name) throws IOException {
    try (InputStream in = JobFile.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the embedded job " + name + " is missing from the jar");
      }
      return parse("classpath:" + name, in);
    }
  }

  static JobFile parse(String source, InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(source + " is larger than " + MAX_BYTES + " bytes; a job"
          + " file holds a few settings");
    }
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, Integer> lines = new LinkedHashMap<>();
    try (JsonParser p = YAML.getFactory().createParser(bytes)) {
      JsonToken first = p.nextToken();
      if (first == null || first == JsonToken.VALUE_NULL) {
        return new JobFile(source, values, lines);
      }
      if (first != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException(source + " must be a mapping of option names to"
            + " values");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        int line = p.currentTokenLocation().getLineNr();
        if (lines.containsKey(key)) {
          throw new IllegalArgumentException(source + ": key '" + key + "' is given twice, on"
              + " line " + lines.get(key) + " and on line " + line);
        }
        lines.put(key, line);
        JsonToken t = p.nextToken();
        JsonNode v = p.readValueAsTree();
        String text = t == JsonToken.VALUE_NULL ? null : text(source, key, v);
        if (text != null) {
          values.put(key, text);
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + " is not valid YAML: "
          + e.getOriginalMessage(), e);
    }
    return new JobFile(source, values, lines);
  }

  private static String text(String source, String key, JsonNode v) {
    if (v.isArray()) {
      StringBuilder b = new StringBuilder();
      for (JsonNode item : v) {
        if (!item.isValueNode()) {
          throw new IllegalArgumentException(source + ": key '" + key
              + "' must be a scalar or a list of scalars");
        }
        if (b.length() > 0) {
          b.append(',');
        }
        b.append(item.asText());
      }
      return b.toString();
    }
    if (v.isValueNode()) {
      return v.isNull() ? null : v.asText();
    }
    throw new IllegalArgumentException(source + ": key '" + key
        + "' must be a scalar or a list of scalars");
  }

  /** Checks every key names an option of the command. */
  void checkKeys(CommandSpec command) {
    TreeSet<String> known = new TreeSet<>();
    for (OptionSpec o : command.options()) {
      String name = o.longestName();
      if (name.startsWith("--") && !name.equals("--config") && !name.equals("--help")) {
        known.add(name.substring(2));
      }
    }
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(source + ": unknown key '" + key + "'; valid keys: "
            + String.join(", ", known));
      }
    }
  }

  String source() {
    return source;
  }

  /** The text given for {@code key}, or null. */
  String value(String key) {
    return values.get(key);
  }

  /** Where {@code key} is given, for messages: the file and the line. */
  String where(String key) {
    Integer line = lines.get(key);
    return source + (line == null ? "" : " line " + line);
  }

  /**
   * The job file's value of a command's own option (the settings of a job are read by
   * {@link JobOptions}, which names the job file in its errors).
   */
  @Override
  public String defaultValue(ArgSpec arg) {
    if (arg instanceof OptionSpec o && o.longestName().startsWith("--")) {
      String key = o.longestName().substring(2);
      for (Setting<?> s : SettingTable.ALL) {
        if (s.key().equals(key)) {
          return null;
        }
      }
      return values.get(key);
    }
    return null;
  }
}
