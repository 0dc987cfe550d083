package org.dptrain.driver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.json.BadDocumentException;
import org.dptrain.json.BoundedJson;
import org.dptrain.model.ModelFile;

/**
 * The lock of a registry entry: the file {@code ROOT/NAME/.lock}, created with {@link
 * HadoopFiles#createExclusive} (one atomic create on local filesystems and HDFS) and holding JSON
 * {@code {"host", "pid", "startedAt", "scratch"}}. It is removed by {@link #close} and, when the
 * JVM is stopped by SIGTERM or SIGINT, by a shutdown hook (run before Hadoop closes its
 * filesystems); SIGKILL leaves it behind.
 *
 * <p>A lock left behind is <em>stale</em> when its host is this host and its process is gone (or
 * the pid now belongs to a process started after the lock was taken: a reused pid); a stale lock
 * is broken with a warning. A lock of another host cannot be checked from here: it is broken only
 * with {@code breakLock}. Breaking re-reads the file just before deleting it so that a lock taken
 * meanwhile by another run is not removed; two runs breaking the same stale lock in the same few
 * microseconds could still both proceed (no filesystem here offers compare-and-delete).
 *
 * <p>Everything a holder writes to the entry goes through {@link #whileHeld}, which excludes the
 * shutdown hook: once the hook has removed the lock, no further write starts, and the hook waits
 * for a write in progress to finish.
 */
public final class RegistryLock implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The most bytes read of a lock file (a host name, a pid, a time and a path). */
  static final long MAX_LOCK_BYTES = 64 << 10;
  /** Slack between a process's recorded start and the lock's time (clock-tick resolution). */
  private static final long START_SLACK_SECONDS = 2;
  /** Above {@link FileSystem#SHUTDOWN_HOOK_PRIORITY} (10) and Spark's own hooks (40). */
  private static final int HOOK_PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 60;

  /** An I/O action run while the lock is held. */
  @FunctionalInterface
  public interface Action<T> {
    T run() throws IOException;
  }

  /**
   * What a lock file says about its holder.
   *
   * @param host the holder's host name
   * @param pid the holder's process id
   * @param startedAt when the lock was taken
   * @param scratch the holder's local scratch directory, or null
   */
  public record Holder(String host, long pid, Instant startedAt, String scratch) {
    /** The holder as JSON (the lock file's content). */
    public byte[] toBytes() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("host", host);
      o.put("pid", pid);
      o.put("startedAt", startedAt.toString());
      o.put("scratch", scratch);
      try {
        return JSON.writeValueAsBytes(o);
      } catch (IOException e) {
        throw new IllegalStateException("cannot encode the lock holder", e);
      }
    }

    /** The holder a lock file names, or null if its content is not such JSON. */
    public static Holder parse(byte[] bytes) {
      try {
        return read(bytes, "the lock file");
      } catch (BadDocumentException e) {
        return null;
      }
    }

    /**
     * The holder a lock file names, read with {@link BoundedJson}.
     *
     * @param where the lock file's name in messages
     * @throws BadDocumentException naming {@code where} and what is wrong: not JSON (or too deep,
     *     too large, a key twice), or no host, pid and startedAt
     */
    public static Holder read(byte[] bytes, String where) throws BadDocumentException {
      JsonNode o = BoundedJson.readTree(bytes, where);
      Instant startedAt = null;
      try {
        startedAt = Instant.parse(o.path("startedAt").asText());
      } catch (RuntimeException e) {
        // named below
      }
      if (!o.isObject() || !o.path("host").isTextual() || !o.path("pid").canConvertToLong()
          || !o.path("pid").isIntegralNumber() || startedAt == null) {
        throw new BadDocumentException(where + " does not name a lock holder: that takes a JSON"
            + " object of host, pid and startedAt");
      }
      return new Holder(o.get("host").asText(), o.get("pid").asLong(), startedAt,
          o.path("scratch").isTextual() ? o.get("scratch").asText() : null);
    }

    /** E.g. {@code pid 4711 on host build-1 since 2026-11-24T13:00:00Z}. */
    public String describe() {
      return "pid " + pid + " on host " + host + " since " + startedAt;
    }
  }

  private final HadoopFiles store;
  private final Path file;
  private final Holder holder;
  private final Runnable hook;
  private boolean held = true;

  private RegistryLock(HadoopFiles store, Path file, Holder holder) {
    this.store = store;
    this.file = file;
    this.holder = holder;
    this.hook = this::releaseQuietly;
    // Hadoop's hook manager runs higher priorities first: the lock goes before Hadoop closes the
    // filesystems (an HDFS lock could not be deleted after that)
    ShutdownHookManager.get().addShutdownHook(hook, HOOK_PRIORITY);
  }

  /**
   * Takes the lock of {@code entry} for this process.
   *
   * @param scratch a local scratch directory of this run, recorded in the lock and deleted on
   *     release (and by whoever breaks the lock as stale on this host), or null
   * @param breakLock remove an existing lock whatever its holder (with a warning on {@code out})
   * @param out where warnings about broken locks go
   * @throws RegistryLockedException naming the holder, if the entry is locked by a live run, by a
   *     run of another host, or by an unreadable lock file
   */
  public static RegistryLock acquire(HadoopFiles store, Registry entry, java.nio.file.Path scratch,
      boolean breakLock, PrintStream out) throws IOException {
    Path file = new Path(entry.dir(), Registry.LOCK_FILE);
    Holder me = new Holder(hostName(), ProcessHandle.current().pid(), Instant.now(),
        scratch == null ? null : scratch.toString());
    for (int attempt = 0; attempt < 2; attempt++) {
      if (store.createExclusive(file, me.toBytes())) {
        return new RegistryLock(store, file, me);
      }
      LockContent content = LockContent.read(store, file);
      if (content.gone()) {
        continue; // released between our create and our read
      }
      Holder other = content.holder();
      String who = content.describe();
      if (breakLock) {
        out.println("warning: --break-lock: removing " + file + ", held by " + who);
      } else if (other != null && other.host().equals(me.host()) && !alive(other)) {
        out.println("warning: removing stale lock " + file + ": " + who
            + " is no longer running");
        deleteScratch(other.scratch(), out);
      } else {
        String hint = other != null && !other.host().equals(me.host())
            ? " (another host: this one cannot check whether it is still running)" : "";
        throw new RegistryLockedException(entry.dir() + " is locked by " + who + hint
            + "; another run of '" + entry.name() + "' is in progress. If none is, rerun with"
            + " --break-lock (lock file " + file + ")");
      }
      // compare just before deleting: a lock taken meanwhile by another run is left alone
      if (!content.sameAs(LockContent.read(store, file))) {
        continue;
      }
      store.delete(file);
    }
    Holder other = LockContent.read(store, file).holder();
    throw new RegistryLockedException(entry.dir() + " is locked by "
        + (other == null ? "another run" : other.describe()) + ", which took it while this run"
        + " was breaking the old lock (lock file " + file + ")");
  }

  /**
   * What a lock file holds, read with a bound of {@value #MAX_LOCK_BYTES} bytes.
   *
   * @param bytes its content; null if it is gone or too large to read
   * @param holder the holder it names, or null
   * @param problem why it names no holder (naming the file), or null
   */
  private record LockContent(byte[] bytes, Holder holder, String problem) {
    static LockContent read(HadoopFiles store, Path file) throws IOException {
      byte[] bytes;
      try {
        bytes = store.readFile(file, MAX_LOCK_BYTES);
      } catch (HadoopFiles.FileTooLargeException e) {
        return new LockContent(null, null, e.getMessage());
      }
      if (bytes == null) {
        return new LockContent(null, null, null);
      }
      try {
        return new LockContent(bytes, Holder.read(bytes, file.toString()), null);
      } catch (BadDocumentException e) {
        return new LockContent(bytes, null, e.getMessage());
      }
    }

    /** Whether the file is gone. */
    boolean gone() {
      return bytes == null && problem == null;
    }

    /** Whether {@code other} read the same content (a lock not taken meanwhile). */
    boolean sameAs(LockContent other) {
      return Arrays.equals(bytes, other.bytes) && Objects.equals(problem, other.problem);
    }

    /** The holder, or "an unknown holder (why)". */
    String describe() {
      return holder != null ? holder.describe() : "an unknown holder (" + problem + ")";
    }
  }

  /** Whether a holder on this host is still running (its pid alive and not reused since). */
  static boolean alive(Holder h) {
    Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
    if (p.isEmpty() || !p.get().isAlive()) {
      return false;
    }
    Optional<Instant> started = p.get().info().startInstant();
    return started.isEmpty()
        || !started.get().isAfter(h.startedAt().plusSeconds(START_SLACK_SECONDS));
  }

  /** This host's name, as recorded in lock files. */
  public static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env != null && !env.isBlank() ? env : "localhost";
    }
  }

  /** The holder recorded in the lock file (this process). */
  public Holder holder() {
    return holder;
  }

  /**
   * Runs {@code action} if the lock is still held, excluding release meanwhile.
   *
   * @throws IllegalStateException if the lock was released (the JVM is shutting down)
   */
  public synchronized <T> T whileHeld(Action<T> action) throws IOException {
    if (!held) {
      throw new IllegalStateException("the registry lock " + file + " was released (shutting"
          + " down); nothing more is written");
    }
    return action.run();
  }

  /** Removes the lock file and the scratch directory; later calls do nothing. */
  @Override
  public void close() throws IOException {
    if (!ShutdownHookManager.get().isShutdownInProgress()) {
      ShutdownHookManager.get().removeShutdownHook(hook);
    }
    release();
  }

  private synchronized void release() throws IOException {
    if (!held) {
      return;
    }
    held = false;
    try {
      // after a --break-lock elsewhere the file may name another run now: leave that one's lock
      LockContent now = LockContent.read(store, file);
      if (holder.equals(now.holder())) {
        store.delete(file);
      } else if (!now.gone()) {
        System.err.println("dptrain: warning: the lock " + file + " was taken over ("
            + now.describe() + "); leaving it");
      }
    } finally {
      deleteScratch(holder.scratch(), null);
    }
  }

  private void releaseQuietly() {
    try {
      release();
    } catch (IOException | RuntimeException e) {
      System.err.println("dptrain: could not remove the registry lock " + file + ": " + e);
    }
  }

  /** Deletes a holder's scratch directory if it is one of ours (a dptrain-retrain-* folder). */
  private static void deleteScratch(String scratch, PrintStream out) throws IOException {
    if (scratch == null) {
      return;
    }
    java.nio.file.Path p = java.nio.file.Paths.get(scratch);
    if (p.getFileName() != null && p.getFileName().toString().startsWith(Retrainer.SCRATCH_PREFIX)
        && java.nio.file.Files.isDirectory(p)) {
      ModelFile.deleteTree(p);
      if (out != null) {
        out.println("removed " + p + ", the scratch directory of that run");
      }
    }
  }
}
