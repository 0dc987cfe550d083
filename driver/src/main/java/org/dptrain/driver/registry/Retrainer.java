package org.dptrain.driver.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.dptrain.data.Block;
import org.dptrain.driver.config.JobConfig;
import org.dptrain.driver.data.BlockStacker;
import org.dptrain.driver.data.DataLoader;
import org.dptrain.driver.data.ClassNames;
import org.dptrain.driver.data.DataOptions;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.data.LoadedData;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.data.TaskType;
import org.dptrain.driver.eval.Evaluator;
import org.dptrain.driver.eval.Metrics;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.driver.train.MetricsLog;
import org.dptrain.driver.train.Provenance;
import org.dptrain.driver.train.TrainingJob;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.network.NetworkSpec;

/**
 * One scheduled retraining of a registry entry: lock the entry, clean what an interrupted run left,
 * warm-start a challenger from the champion (or train from scratch when there is none), evaluate
 * challenger and champion on the same holdout, each with its own feature scaling, register the
 * challenger as the next version, promote it if the metric improved enough, prune old versions and
 * release the lock.
 *
 * <p>Failure contract: until the new version is renamed into place nothing in the entry changes
 * (training happens in a local scratch directory); the champion pointer is replaced in one rename
 * after that. So an error or a kill at any point leaves the champion as it was and no partial
 * version; at worst a hidden staging directory, which the next run removes. The only window of
 * inconsistency is a kill between registering a promoted version and replacing the pointer: the
 * version's registry.json then says promoted while the pointer still names the old champion (the
 * pointer is the truth).
 */
public final class Retrainer {
  /** The default of {@code --keep}: versions kept besides the champion. */
  public static final int DEFAULT_KEEP = 10;
  /** The prefix of a run's local scratch directory (in {@code java.io.tmpdir}). */
  public static final String SCRATCH_PREFIX = "dptrain-retrain-";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What {@code retrain} is told beyond the training options.
   *
   * @param registry the registry root, a path or URI
   * @param name the entry, a {@link org.dptrain.driver.fs.SafeName}
   * @param holdout the data both models are judged on
   * @param metric the metric compared, or null for the task's default
   * @param minImprovement the least improvement that promotes ({@link Promotion})
   * @param keep versions kept besides the champion, at least 1
   * @param breakLock remove an existing lock whoever holds it
   * @param fromScratch do not warm-start from the champion (still compare against it)
   */
  public record Settings(String registry, String name, DataOptions holdout, String metric,
      double minImprovement, int keep, boolean breakLock, boolean fromScratch) {
    public Settings {
      Objects.requireNonNull(holdout, "holdout");
      Promotion.checkMinImprovement(minImprovement);
      if (keep < 1) {
        throw new IllegalArgumentException("--keep must be at least 1, got " + keep);
      }
    }
  }

  /**
   * What a run did.
   *
   * @param version the version the challenger was registered as
   * @param promotion the comparison and decision
   * @param parent the champion it was warm-started from, or null
   * @param holdout the challenger's holdout metrics
   * @param pruned versions deleted by keep-last
   */
  public record Outcome(String version, Promotion promotion, String parent, Metrics holdout,
      List<String> pruned) {}

  private Retrainer() {}

  /**
   * Runs one retraining.
   *
   * @param job the training settings for (output directory, warm-start model directory or null)
   * @param out progress lines; the last line is the verdict ({@link Promotion#verdict})
   * @throws RegistryLockedException if another run holds the entry
   * @throws RegistryException if the entry is damaged or its champion does not fit the job
   * @throws IllegalArgumentException for bad settings or data (nothing in the registry changes)
   */
  public static Outcome run(SparkSession spark, Settings r,
      BiFunction<String, String, JobConfig> job, PrintStream out) throws IOException {
    HadoopFiles store = HadoopFiles.of(spark);
    Registry entry = new Registry(store, r.registry(), r.name());
    // usage errors first, before the lock: a wrong option must not read as "locked"
    JobConfig plain = job.apply(SCRATCH_PREFIX + "unused", null);
    NetworkSpec spec = plain.network().spec();
    Targets targets = plain.targets();
    String metric = Promotion.metricFor(targets.type(), r.metric());

    java.nio.file.Path scratch = Files.createTempDirectory(SCRATCH_PREFIX + entry.name() + "-");
    List<JavaRDD<Block>> cached = new ArrayList<>();
    try (RegistryLock lock = RegistryLock.acquire(store, entry, scratch, r.breakLock(), out)) {
      lock.whileHeld(() -> entry.cleanStaging(out));
      String championVersion = entry.champion();
      Model champion = championVersion == null ? null
          : store.readModel(entry.versionDir(championVersion));
      boolean warm = champion != null && !r.fromScratch();
      String parent = warm ? championVersion : null;
      JobConfig s = job.apply(scratch.resolve("model").toString(),
          warm ? entry.versionDir(championVersion).toString() : null);
      if (champion != null) {
        checkChampionFits(entry, championVersion, champion, spec, targets.type(), warm);
      }
      out.println(warm ? "warm start from champion " + championVersion + " ("
          + entry.versionDir(championVersion) + ")"
          : champion == null ? "no champion in " + entry.dir() + ": training from scratch"
          : "--from-scratch: training from scratch; champion " + championVersion
              + " is still the one to beat");

      // the holdout, read and validated before any training
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      int partitions = s.parallelism().partitions() != null ? s.parallelism().partitions()
          : sc.defaultParallelism();
      if (champion != null && ModelFile.classNames(champion) != null) {
        // the holdout's class names are the champion's: the same names, the same indices
        targets = targets.withClassNames(ModelFile.classNames(champion));
      }
      LoadedData holdout = DataLoader.load(spark, r.holdout(), targets);
      targets = DataLoader.targetsFor(holdout, targets, "--holdout " + r.holdout().path());
      if (holdout.numFeatures() != spec.inputSize()) {
        throw new IllegalArgumentException("--holdout " + r.holdout().path() + " has "
            + holdout.numFeatures() + " features but the network takes " + spec.inputSize());
      }
      FeatureScaling championScaling = champion == null ? null : FeatureScaling.of(champion);
      JavaRDD<Block> championBlocks = BlockStacker.stack(holdout, targets, partitions,
          championScaling);
      cached.add(championBlocks);
      Metrics championMetrics = null;
      if (champion != null) {
        championMetrics = Evaluator.evaluate(sc, championBlocks, champion.spec(),
            champion.weights(), targets.type());
        out.println("champion " + championVersion + " on the holdout (" + championMetrics.count()
            + " examples): " + championMetrics.summary());
      }

      // the challenger
      TrainingJob.Result trained = TrainingJob.run(spark, s, out);
      Model challenger = ModelFile.read(trained.output());
      if (!Objects.equals(ModelFile.classNames(challenger), targets.classNames())) {
        throw new IllegalArgumentException("the challenger was trained on "
            + classes(ModelFile.classNames(challenger)) + " but the holdout has "
            + classes(targets.classNames()) + "; both must have the same classes");
      }
      FeatureScaling challengerScaling = FeatureScaling.of(challenger);
      JavaRDD<Block> challengerBlocks = championBlocks;
      if (!sameScaling(challengerScaling, championScaling)) {
        challengerBlocks = BlockStacker.stack(holdout, targets, partitions, challengerScaling);
        cached.add(challengerBlocks);
      }
      Metrics metrics = Evaluator.evaluate(sc, challengerBlocks, challenger.spec(),
          challenger.weights(), targets.type());
      out.println("challenger on the holdout (" + metrics.count() + " examples): "
          + metrics.summary());

      // register, promote, prune
      String version = entry.nextVersion();
      Promotion p = Promotion.decide(metric, version, metrics.get(metric), championVersion,
          championMetrics == null ? Double.NaN : championMetrics.get(metric),
          r.minImprovement());
      ObjectNode record = record(store, entry, version, r, s, parent, championMetrics, metrics, p,
          spark.version());
      List<HadoopFiles.NamedBytes> files = versionFiles(entry, version, challenger,
          trained.output(), record);
      lock.whileHeld(() -> {
        entry.addVersion(version, files);
        if (p.promoted()) {
          entry.setChampion(version);
        }
        return null;
      });
      List<String> pruned = List.of();
      try {
        pruned = lock.whileHeld(() -> entry.prune(r.keep()));
      } catch (IOException e) {
        // the version is registered and the decision applied: a failed clean-up is not a failure
        // of the run, and the next run prunes again
        out.println("warning: could not prune old versions of " + entry.dir() + ": "
            + e.getMessage());
      }
      if (!pruned.isEmpty()) {
        out.println("pruned " + String.join(", ", pruned) + " (--keep " + r.keep() + ")");
      }
      out.println(p.verdict());
      out.flush();
      return new Outcome(version, p, parent, metrics, pruned);
    } finally {
      for (JavaRDD<Block> b : cached) {
        b.unpersist(false);
      }
      ModelFile.deleteTree(scratch);
    }
  }

  private static String classes(List<String> names) {
    return names == null ? "numeric labels" : "classes " + ClassNames.describe(names);
  }

  private static void checkChampionFits(Registry entry, String version, Model champion,
      NetworkSpec spec, TaskType type, boolean warm) {
    TaskType championType = Targets.of(champion.spec().loss(), champion.spec().outputSize())
        .type();
    if (championType != type) {
      throw new RegistryException("champion " + version + " of '" + entry.name() + "' is a "
          + lower(championType) + " model but this job trains " + lower(type) + " (--loss "
          + spec.loss().name().toLowerCase(Locale.ROOT) + "); one registry name holds one task");
    }
    if (champion.spec().inputSize() != spec.inputSize()
        || champion.spec().outputSize() != spec.outputSize()) {
      throw new RegistryException("champion " + version + " of '" + entry.name() + "' has layers "
          + joined(champion.spec().layers()) + " but --layers is " + joined(spec.layers())
          + "; input and output sizes must match to compare on the same holdout");
    }
    if (warm && !Arrays.equals(champion.spec().layers(), spec.layers())) {
      throw new RegistryException("champion " + version + " of '" + entry.name() + "' has layers "
          + joined(champion.spec().layers()) + " but --layers is " + joined(spec.layers())
          + "; retrain warm-starts from the champion and needs the same layers (add"
          + " --from-scratch to train the new layers and compare them with the champion)");
    }
  }

  /** The registry.json of a new version: holdout metrics, decision and provenance. */
  private static ObjectNode record(HadoopFiles store, Registry entry, String version, Settings r,
      JobConfig s, String parent, Metrics championMetrics, Metrics metrics, Promotion p,
      String sparkVersion) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", entry.name());
    o.put("version", version);
    o.put("createdAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    o.put("parent", parent);
    o.put("warmStart", parent != null);
    ObjectNode holdout = o.putObject("holdout");
    holdout.put("path", qualified(store, r.holdout().path()));
    holdout.set("metrics", metrics.toJson());
    if (championMetrics != null) {
      ObjectNode c = holdout.putObject("champion");
      c.put("version", p.championVersion());
      c.set("metrics", championMetrics.toJson());
    }
    o.set("decision", p.toJson());
    ObjectNode provenance = o.putObject("provenance");
    provenance.put("data", qualified(store, s.data().train().path()));
    provenance.put("validation", s.data().validation() == null ? null
        : qualified(store, s.data().validation().path()));
    provenance.put("seed", s.loop().seed());
    provenance.put("dptrainVersion", Provenance.version());
    String commit = System.getenv("DPTRAIN_GIT_COMMIT");
    provenance.put("gitCommit", commit == null || commit.isBlank() ? null : commit.trim());
    provenance.put("sparkVersion", sparkVersion);
    provenance.put("host", RegistryLock.hostName());
    provenance.set("config", JSON.valueToTree(effectiveConfig(entry, version, s)));
    return o;
  }

  /** The job's settings as stored: the output is the version, not the scratch directory. */
  private static Map<String, Object> effectiveConfig(Registry entry, String version,
      JobConfig s) {
    Map<String, Object> config = s.toMap();
    config.put("output", entry.versionDir(version).toString());
    return config;
  }

  /**
   * The files of a version: the challenger's model (its provenance's output pointed at the
   * version), the run's metrics.jsonl and registry.json.
   */
  private static List<HadoopFiles.NamedBytes> versionFiles(Registry entry, String version,
      Model challenger, java.nio.file.Path run, ObjectNode record) throws IOException {
    ObjectNode extra = challenger.extra();
    if (extra.path("provenance").path("config").isObject()) {
      ((ObjectNode) extra.get("provenance").get("config")).put("output",
          entry.versionDir(version).toString());
    }
    ModelFile.Encoded encoded = ModelFile.encode(new Model(challenger.spec(),
        challenger.weights(), extra));
    List<HadoopFiles.NamedBytes> files = new ArrayList<>();
    files.add(new HadoopFiles.NamedBytes(ModelFile.WEIGHTS_BIN, encoded.weightsBin()));
    files.add(new HadoopFiles.NamedBytes(ModelFile.MODEL_JSON, encoded.modelJson()));
    java.nio.file.Path metrics = run.resolve(MetricsLog.FILE);
    if (Files.exists(metrics)) {
      files.add(new HadoopFiles.NamedBytes(MetricsLog.FILE, Files.readAllBytes(metrics)));
    }
    files.add(new HadoopFiles.NamedBytes(Registry.REGISTRY_JSON, JSON.writeValueAsBytes(record)));
    return files;
  }

  /** A data path as a fully qualified URI, so the record holds no working-directory-relative path
   *  (classpath: samples stay as they are). */
  private static String qualified(HadoopFiles store, String path) {
    return path.startsWith(DataLoader.CLASSPATH_PREFIX) ? path : store.path(path).toString();
  }

  private static boolean sameScaling(FeatureScaling a, FeatureScaling b) {
    return a == null ? b == null : b != null && a.toJson().equals(b.toJson());
  }

  private static String lower(TaskType t) {
    return t.name().toLowerCase(Locale.ROOT);
  }

  private static String joined(int[] values) {
    StringBuilder b = new StringBuilder();
    for (int v : values) {
      b.append(b.length() > 0 ? "," : "").append(v);
    }
    return b.toString();
  }
}
