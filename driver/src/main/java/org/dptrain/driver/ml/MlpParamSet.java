package org.dptrain.driver.ml;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import org.dptrain.driver.config.Setting;
import org.dptrain.driver.config.SettingTable;
import org.dptrain.driver.config.SettingValues;
import org.dptrain.loss.Loss;
import scala.Function1;

/**
 * The training {@link Param}s of one estimator, created with it as their parent from the settings
 * of {@link SettingTable} that name a Spark ML param: their names, docs, defaults and validators
 * are the settings'. Validators throw an {@link IllegalArgumentException} that names the param and
 * the bad value (Spark's own message would print an array as {@code [I@1b2c3d}); they run whenever
 * a value is set, including when a saved estimator is loaded. Unset values keep the form saved
 * pipelines hold ({@link Setting#sparkUnset}).
 */
final class MlpParamSet implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, Param<?>> byName = new LinkedHashMap<>();

  /**
   * Creates the params of {@code parent} and sets their defaults on it.
   *
   * @param losses the losses this estimator trains, the first being the default
   */
  MlpParamSet(Params parent, List<Loss> losses) {
    for (Setting<?> s : SettingTable.ALL) {
      if (s.param() != null) {
        add(parent, s, losses);
      }
    }
    parent.setDefault(get(SettingTable.LOSS.param()), losses.get(0).id());
  }

  @SuppressWarnings("unchecked")
  private <T> void add(Params parent, Setting<T> s, List<Loss> losses) {
    String doc = s == SettingTable.LOSS ? "the training loss: " + ids(losses) : s.sparkHelp();
    Function1<Object, Object> valid = s == SettingTable.LOSS
        ? check((Object v) -> checkLoss((String) v, losses))
        : validator(s.key());
    Param<?> p = switch (s.codec().sparkKind()) {
      case INT -> new IntParam(parent, s.param(), doc, (Function1<Object, Object>) valid);
      case LONG -> new LongParam(parent, s.param(), doc, valid);
      case DOUBLE -> new DoubleParam(parent, s.param(), doc, valid);
      case STRING -> new Param<String>(parent, s.param(), doc, (Function1<String, Object>)
          (Function1<?, ?>) valid);
      case INT_ARRAY -> new IntArrayParam(parent, s.param(), doc, (Function1<int[], Object>)
          (Function1<?, ?>) valid);
      case STRING_ARRAY -> new StringArrayParam(parent, s.param(), doc,
          (Function1<String[], Object>) (Function1<?, ?>) valid);
      case NONE -> throw new IllegalStateException("setting " + s.key() + " names param "
          + s.param() + " but has no Spark ML value kind");
    };
    byName.put(p.name(), p);
    Object d = s.defaultValue() != null ? s.toSpark(s.defaultValue()) : s.sparkUnset();
    if (d != null) {
      parent.setDefault((Param<Object>) p, d);
    }
  }

  /**
   * The param called {@code name}.
   *
   * @throws IllegalArgumentException for a name that is not one of these params
   */
  @SuppressWarnings("unchecked")
  <T> Param<T> get(String name) {
    Param<?> p = byName.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no training param '" + name + "'; known: "
          + byName.keySet());
    }
    return (Param<T>) p;
  }

  /**
   * The settings {@code params} hold: every param's value (set or default) as its setting's,
   * the rest at their defaults.
   */
  @SuppressWarnings("unchecked")
  static SettingValues values(MlpParams<?> params) {
    SettingValues v = SettingValues.defaults();
    for (Setting<?> s : SettingTable.ALL) {
      if (s.param() != null && params.isDefined(params.mlpParam(s.param()))) {
        v = withSpark(v, s, params.getOrDefault((Param<Object>) params.mlpParam(s.param())));
      }
    }
    return v;
  }

  private static <T> SettingValues withSpark(SettingValues v, Setting<T> s, Object value) {
    return v.with(s, s.fromSpark(value));
  }

  // Validators: Spark calls isValid(value) and throws its own message on false; ours throw first,
  // with the param's name and the value. They are serializable because Params are, and hold only
  // the setting's key: the setting is looked up when a value is checked.

  private interface SerializableCheck<T> extends Function1<T, Object>, Serializable {}

  private interface Check<T> extends Serializable {
    /** @throws IllegalArgumentException naming the bad value */
    boolean test(T value);
  }

  private static <T> Function1<T, Object> check(Check<T> check) {
    return (SerializableCheck<T>) v -> check.test(v);
  }

  private static Function1<Object, Object> validator(String key) {
    return (SerializableCheck<Object>) v -> {
      SettingTable.byKey(key).fromSpark(v);
      return true;
    };
  }

  static boolean checkLoss(String name, List<Loss> losses) {
    Loss loss = Loss.parse(name);
    if (!losses.contains(loss)) {
      throw new IllegalArgumentException("loss '" + name + "' is not one this estimator trains;"
          + " use " + ids(losses) + (losses.contains(Loss.MSE)
          ? " (classification: MlpClassifier)" : " (regression: MlpRegressor)"));
    }
    return true;
  }

  private static String ids(List<Loss> losses) {
    StringBuilder b = new StringBuilder();
    for (Loss l : losses) {
      b.append(b.length() == 0 ? "" : " or ").append(l.id());
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }
}
