package org.dptrain.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A job file: YAML whose keys are the long option names without dashes ({@code layers},
 * {@code batch-size}, ...), whose values are scalars or lists (joined with commas). Its values
 * become the defaults of the options, so flags on the command line override them. Relative input
 * paths in it ({@code data}, {@code validation}, {@code init-model}, {@code holdout}) are relative
 * to the job file's directory, so a job file works from any working directory; {@code output}
 * stays relative to the working directory.
 */
final class JobFile implements CommandLine.IDefaultValueProvider {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Keys whose relative values are resolved against the job file's directory. */
  static final List<String> INPUT_PATH_KEYS =
      List.of("data", "validation", "init-model", "holdout");

  private final String source;
  private final Map<String, String> values;

  private JobFile(String source, Map<String, String> values) {
    this.source = source;
    this.values = values;
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
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " is not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new JobFile(source, Map.of());
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(source + " must be a mapping of option names to values");
    }
    Map<String, String> values = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = root.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      String text;
      if (v.isArray()) {
        StringBuilder b = new StringBuilder();
        for (JsonNode item : v) {
          if (!item.isValueNode()) {
            throw new IllegalArgumentException(source + ": key '" + e.getKey()
                + "' must be a scalar or a list of scalars");
          }
          if (b.length() > 0) {
            b.append(',');
          }
          b.append(item.asText());
        }
        text = b.toString();
      } else if (v.isValueNode()) {
        text = v.isNull() ? null : v.asText();
      } else {
        throw new IllegalArgumentException(source + ": key '" + e.getKey()
            + "' must be a scalar or a list of scalars");
      }
      if (text != null) {
        values.put(e.getKey(), text);
      }
    }
    return new JobFile(source, values);
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

  @Override
  public String defaultValue(ArgSpec arg) {
    if (arg instanceof OptionSpec o && o.longestName().startsWith("--")) {
      return values.get(o.longestName().substring(2));
    }
    return null;
  }
}
