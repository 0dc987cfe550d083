package org.dptrain.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.driver.registry.Registry;
import org.dptrain.driver.registry.RegistryException;
import org.dptrain.driver.registry.RegistryLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code dptrain registry}: look at a model registry (no Spark needed). */
@Command(name = "registry", mixinStandardHelpOptions = true,
    description = "Look at a model registry written by retrain, or roll its champion back.",
    subcommands = {RegistryCommand.ListVersions.class, RegistryCommand.Promote.class})
final class RegistryCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** The options naming one registry entry. */
  static final class Entry {
    @Option(names = "--registry", required = true, paramLabel = "ROOT",
        description = "Registry root: a directory or URI")
    String registry;

    @Option(names = "--name", required = true, paramLabel = "NAME",
        description = "The registry entry")
    String name;

    Registry open(HadoopFiles store) {
      return new Registry(store, registry, name);
    }
  }

  /** {@code dptrain registry list}: the versions of an entry, the champion marked. */
  @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
      description = "List the versions of a registry entry with their holdout metric and the"
          + " decision of the run that made them; '*' marks the champion.")
  static final class ListVersions implements Callable<Integer> {
    @Mixin
    Entry entry;

    @Override
    public Integer call() throws Exception {
      Registry registry = entry.open(new HadoopFiles(new Configuration()));
      List<String> versions = registry.versions();
      if (versions.isEmpty()) {
        throw new IllegalArgumentException("no versions in " + registry.dir() + " (wrong --registry"
            + " or --name?)");
      }
      String champion = registry.champion();
      System.out.printf(Locale.ROOT, "%s: %d version%s, champion %s%n", registry.dir(),
          versions.size(), versions.size() == 1 ? "" : "s", champion == null ? "none" : champion);
      System.out.printf(Locale.ROOT, "  %-8s  %-20s  %-8s  %8s  %-12s  %s%n", "version",
          "created", "metric", "holdout", "decision", "parent");
      for (String v : versions) {
        JsonNode r = registry.record(v);
        String created = r == null ? "?" : r.path("createdAt").asText("?");
        JsonNode decision = r == null ? null : r.get("decision");
        String metric = decision == null ? "?" : decision.path("metric").asText("?");
        JsonNode value = decision == null ? null : decision.get("challenger");
        String holdout = value == null || !value.isNumber() ? "?"
            : String.format(Locale.ROOT, "%.4f", value.asDouble());
        String verdict = decision == null ? "?"
            : decision.path("promoted").asBoolean() ? "promoted" : "not promoted";
        String parent = r == null || r.path("parent").isNull() ? "-" : r.path("parent").asText();
        System.out.printf(Locale.ROOT, "%s %-8s  %-20s  %-8s  %8s  %-12s  %s%n",
            v.equals(champion) ? "*" : " ", v, created, metric, holdout, verdict, parent);
      }
      return 0;
    }
  }

  /** {@code dptrain registry promote}: make a registered version the champion (a rollback). */
  @Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Make a registered version the champion, e.g. to roll back. Takes the"
          + " entry's lock like retrain.",
          "Exit codes: 0 done, 2 bad input, 3 locked by another run, 1 other failure."})
  static final class Promote implements Callable<Integer> {
    @Mixin
    Entry entry;

    @Parameters(index = "0", paramLabel = "VERSION",
        description = "The version to make the champion, e.g. v000003")
    String version;

    @Option(names = "--break-lock",
        description = "Remove the entry's lock whoever holds it (only when no run is active)")
    boolean breakLock;

    @Override
    public Integer call() throws Exception {
      HadoopFiles store = new HadoopFiles(new Configuration());
      Registry registry = entry.open(store);
      if (!version.matches("v\\d{6}")) {
        throw new IllegalArgumentException("'" + version + "' is not a version name like v000001");
      }
      try (RegistryLock lock = RegistryLock.acquire(store, registry, null, breakLock, System.out)) {
        // refuse a version that is not a readable model before pointing anything at it
        store.readModel(registry.versionDir(version));
        String before;
        try {
          before = registry.champion();
        } catch (RegistryException e) {
          before = "a damaged pointer"; // what this command repairs
        }
        lock.whileHeld(() -> {
          registry.setChampion(version);
          return null;
        });
        System.out.println("champion of " + registry.name() + ": " + version + " (was "
            + (before == null ? "none" : before) + ")");
        return 0;
      }
    }
  }
}
