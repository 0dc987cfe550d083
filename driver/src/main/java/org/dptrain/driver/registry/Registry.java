package org.dptrain.driver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.driver.fs.SafeName;
import org.dptrain.json.BadDocumentException;
import org.dptrain.json.BoundedJson;

/**
 * One named entry of a model registry, {@code ROOT/NAME}, on any Hadoop filesystem:
 *
 * <pre>
 * ROOT/NAME/champion      one line naming the champion version, e.g. "v000003"
 * ROOT/NAME/v000001/      model.json, weights.bin, metrics.jsonl, registry.json
 * ROOT/NAME/v000002/      ...
 * ROOT/NAME/.lock         while a run holds the entry ({@link RegistryLock})
 * ROOT/NAME/.v000004.tmp-*  staging of an interrupted write (removed by the next run)
 * </pre>
 *
 * <p>Versions are immutable once renamed into place; the {@code champion} file is the only thing
 * replaced, atomically where the filesystem allows ({@link HadoopFiles#writeFile}). Writers must
 * hold the entry's {@link RegistryLock}; readers need nothing.
 */
public final class Registry {
  /** The pointer file naming the champion version. */
  public static final String CHAMPION_FILE = "champion";
  /** The provenance and holdout metrics file inside every version directory. */
  public static final String REGISTRY_JSON = "registry.json";
  /** The lock file of an entry. */
  public static final String LOCK_FILE = ".lock";
  private static final Pattern VERSION = Pattern.compile("v(\\d{6})");
  /** Staging names of {@link HadoopFiles#writeDirectory} and {@link HadoopFiles#writeFile}. */
  private static final Pattern STAGING = Pattern.compile("\\.(v\\d{6}|" + CHAMPION_FILE
      + ")\\.tmp-.*");

  /** Most bytes of a champion pointer read: a version name and a line break need 8. */
  static final int MAX_POINTER_BYTES = 64;

  private final HadoopFiles store;
  private final String name;
  private final Path dir;

  /**
   * The entry {@code name} under {@code root}.
   *
   * @param root the registry root, a path or URI ({@code hdfs://nn/models})
   * @throws IllegalArgumentException if {@code name} is not a {@link SafeName} or root is empty
   */
  public Registry(HadoopFiles store, String root, String name) {
    this.store = store;
    this.name = SafeName.check("--name", name);
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("--registry is required: the root directory or URI of"
          + " the model registry");
    }
    this.dir = new Path(store.path(root), name);
  }

  /** The entry's name. */
  public String name() {
    return name;
  }

  /** The entry's directory, {@code ROOT/NAME}. */
  public Path dir() {
    return dir;
  }

  /** The directory of {@code version}. */
  public Path versionDir(String version) {
    return new Path(dir, checkVersion(version));
  }

  /** The name of version number {@code n}, {@code v%06d}. */
  public static String versionName(int n) {
    if (n < 1 || n > 999_999) {
      throw new IllegalArgumentException("version numbers run from 1 to 999999, got " + n);
    }
    return String.format(Locale.ROOT, "v%06d", n);
  }

  /** The version names present, oldest first. */
  public List<String> versions() throws IOException {
    List<String> out = new ArrayList<>();
    for (FileStatus f : store.list(dir)) {
      if (f.isDirectory() && VERSION.matcher(f.getPath().getName()).matches()) {
        out.add(f.getPath().getName());
      }
    }
    return out;
  }

  /** The name the next version gets: one past the highest present. */
  public String nextVersion() throws IOException {
    List<String> v = versions();
    return versionName(v.isEmpty() ? 1 : number(v.get(v.size() - 1)) + 1);
  }

  /**
   * The champion version, or null when the entry has none yet.
   *
   * @throws RegistryException if the pointer file does not name a version that is present
   */
  public String champion() throws IOException {
    Path pointer = new Path(dir, CHAMPION_FILE);
    byte[] bytes;
    try {
      bytes = readAtMost(pointer, MAX_POINTER_BYTES);
    } catch (BadDocumentException e) {
      throw new RegistryException(e.getMessage() + ", not a version name like v000001; the"
          + " registry is damaged (repair it with dptrain registry promote)");
    }
    if (bytes == null) {
      return null;
    }
    String version = new String(bytes, StandardCharsets.UTF_8).trim();
    if (!VERSION.matcher(version).matches()) {
      throw new RegistryException(pointer + " holds '" + abbreviate(version)
          + "', not a version name like v000001; the registry is damaged (repair it with dptrain"
          + " registry promote)");
    }
    if (!store.exists(new Path(dir, version))) {
      throw new RegistryException(pointer + " names " + version + ", but " + new Path(dir, version)
          + " does not exist; the registry is damaged (repair it with dptrain registry promote)");
    }
    return version;
  }

  /**
   * Makes {@code version} the champion by replacing the pointer file in one rename. The caller
   * holds the lock.
   *
   * @throws RegistryException if the version is not present
   */
  public void setChampion(String version) throws IOException {
    if (!store.exists(versionDir(version))) {
      throw new RegistryException("cannot make " + version + " the champion: "
          + versionDir(version) + " does not exist");
    }
    store.writeFile(new Path(dir, CHAMPION_FILE),
        (version + "\n").getBytes(StandardCharsets.UTF_8), true);
  }

  /**
   * Adds version {@code version} holding {@code files}, through a hidden staging directory renamed
   * into place (so it appears whole or not at all). The caller holds the lock.
   */
  public void addVersion(String version, List<HadoopFiles.NamedBytes> files) throws IOException {
    store.writeDirectory(versionDir(version), files);
  }

  /**
   * Deletes the oldest versions so that at most {@code keep} remain, never the champion (which
   * then remains besides the newest {@code keep}). The caller holds the lock.
   *
   * @return the versions deleted, oldest first
   */
  public List<String> prune(int keep) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("--keep must be at least 1, got " + keep);
    }
    String champion = champion();
    List<String> all = versions();
    List<String> deleted = new ArrayList<>();
    for (String v : all.subList(0, Math.max(0, all.size() - keep))) {
      if (!v.equals(champion)) {
        store.delete(versionDir(v));
        deleted.add(v);
      }
    }
    return deleted;
  }

  /**
   * Removes what an interrupted writer left: hidden staging directories and pointer temporaries.
   * The caller holds the lock, so no live writer owns them. Each removal is reported on {@code
   * out}.
   *
   * @return the names removed
   */
  public List<String> cleanStaging(PrintStream out) throws IOException {
    List<String> removed = new ArrayList<>();
    for (FileStatus f : store.list(dir)) {
      String n = f.getPath().getName();
      if (STAGING.matcher(n).matches()) {
        store.delete(f.getPath());
        removed.add(n);
        out.println("removed " + f.getPath() + ", left by an interrupted run");
      }
    }
    return removed;
  }

  /**
   * The registry.json of {@code version}, or null if the version has none.
   *
   * @throws RegistryException if it is not a JSON object
   */
  public JsonNode record(String version) throws IOException {
    Path file = new Path(versionDir(version), REGISTRY_JSON);
    try {
      byte[] bytes = readAtMost(file, BoundedJson.MAX_DOCUMENT_BYTES);
      if (bytes == null) {
        return null;
      }
      JsonNode node = BoundedJson.readTree(bytes, file.toString());
      if (node == null || !node.isObject()) {
        throw new RegistryException(file + " is not a JSON object");
      }
      return node;
    } catch (BadDocumentException e) {
      throw new RegistryException(e.getMessage());
    }
  }

  /** The bytes of {@code file}, at most {@code max} of them, or null if it does not exist. */
  private byte[] readAtMost(Path file, long max) throws IOException {
    try (InputStream in = store.fs(file).open(file)) {
      return BoundedJson.readAtMost(in, max, file.toString());
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /** The number of a version name. */
  public static int number(String version) {
    Matcher m = VERSION.matcher(checkVersion(version));
    m.matches();
    return Integer.parseInt(m.group(1));
  }

  private static String checkVersion(String version) {
    if (version == null || !VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("'" + version + "' is not a version name like v000001");
    }
    return version;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
