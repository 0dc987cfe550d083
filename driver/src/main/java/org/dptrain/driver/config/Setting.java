package org.dptrain.driver.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * One setting of a training job, declared once in {@link SettingTable}: everything that reads or
 * writes a job's configuration (the command line, job files, the Spark ML params, provenance and
 * the resume check) derives from these declarations.
 *
 * @param <T> the typed value
 */
public final class Setting<T> {

  /** A check of a value; throws naming the setting (as {@code name}) and the value. */
  @FunctionalInterface
  public interface Check<T> extends Serializable {
    /** @throws IllegalArgumentException naming {@code name} and the bad value */
    void check(String name, T value);
  }

  private final String key;
  private final String param;
  private final Codec<T> codec;
  private final T defaultValue;
  private final Check<T> check;
  private final String help;
  private final String label;
  private final boolean trajectory;
  private final String fallback;
  private final Object sparkUnset;
  private final String sparkHelp;

  private Setting(Builder<T> b) {
    this.key = Objects.requireNonNull(b.key);
    this.param = b.param;
    this.codec = Objects.requireNonNull(b.codec);
    this.defaultValue = b.defaultValue;
    this.check = b.check;
    this.help = Objects.requireNonNull(b.help);
    this.label = b.label;
    this.trajectory = b.trajectory;
    this.fallback = b.fallback;
    this.sparkUnset = b.sparkUnset;
    this.sparkHelp = b.sparkHelp;
    if (defaultValue != null) {
      check(key, defaultValue);
    }
  }

  /** A declaration of a setting called {@code key} with values of {@code codec}. */
  static <T> Builder<T> of(String key, Codec<T> codec) {
    return new Builder<>(key, codec);
  }

  /**
   * The key: the long option without its dashes, and the key in job files and in
   * {@code provenance.config}.
   */
  public String key() {
    return key;
  }

  /** {@code --key}. */
  public String option() {
    return "--" + key;
  }

  /** The Spark ML param name (camelCase), or null when no param carries this setting. */
  public String param() {
    return param;
  }

  public Codec<T> codec() {
    return codec;
  }

  /** The default; null means unset (the setting has no value unless one is given). */
  public T defaultValue() {
    return defaultValue;
  }

  /** The help text, for {@code --help} and the Spark ML param's doc. */
  public String help() {
    return help;
  }

  /** The Spark ML param's doc: the help, or the Spark-specific text where its meaning differs. */
  public String sparkHelp() {
    return sparkHelp != null ? sparkHelp : help;
  }

  /** The value placeholder in {@code --help}, e.g. {@code N}. */
  public String label() {
    return label;
  }

  /**
   * Whether the setting shapes the run's trajectory (or what it keeps): a resumed run must have
   * the checkpoint's value.
   */
  public boolean trajectory() {
    return trajectory;
  }

  /** For an option that may be given without a value ({@code --resume}): that value; else null. */
  public String fallback() {
    return fallback;
  }

  /** Whether the setting is an on/off flag (an option without a value). */
  public boolean isFlag() {
    return codec == Codec.FLAG;
  }

  /**
   * The Spark ML param value that stands for unset (the param keeps the form saved pipelines
   * hold, e.g. {@code auto} or 0), or null when the setting is never unset there.
   */
  public Object sparkUnset() {
    return sparkUnset;
  }

  /**
   * Checks a value.
   *
   * @param name the setting as the user wrote it ({@code --epochs}, {@code epochs},
   *     {@code epochs} in a job file), for the message
   * @return the value
   * @throws IllegalArgumentException naming {@code name} and the value
   */
  public T check(String name, T value) {
    if (value != null && check != null) {
      check.check(name, value);
    }
    return value;
  }

  /**
   * Reads and checks {@code text}.
   *
   * @throws IllegalArgumentException naming {@code name} and the text
   */
  public T parse(String name, String text) {
    return check(name, codec.parse(name, text));
  }

  /** The value as a Spark ML param holds it ({@link #sparkUnset} for null). */
  public Object toSpark(T value) {
    return value == null ? sparkUnset : codec.toSpark(value);
  }

  /** The value of a Spark ML param, checked (null for {@link #sparkUnset}). */
  public T fromSpark(Object value) {
    if (value == null || value.equals(sparkUnset)) {
      return null;
    }
    return check(param, codec.fromSpark(param, value));
  }

  /** The value as a plain JSON-able value (null stays null). */
  public Object plain(T value) {
    return value == null ? null : codec.plain(value);
  }

  @Override
  public String toString() {
    return key;
  }

  /** Builds a declaration. */
  static final class Builder<T> {
    private final String key;
    private final Codec<T> codec;
    private String param;
    private T defaultValue;
    private Check<T> check;
    private String help;
    private String label;
    private boolean trajectory;
    private String fallback;
    private Object sparkUnset;
    private String sparkHelp;

    private Builder(String key, Codec<T> codec) {
      this.key = key;
      this.codec = codec;
    }

    Builder<T> param(String name) {
      this.param = name;
      return this;
    }

    Builder<T> defaultValue(T value) {
      this.defaultValue = value;
      return this;
    }

    Builder<T> check(Check<T> c) {
      this.check = c;
      return this;
    }

    Builder<T> help(String text) {
      this.help = text;
      return this;
    }

    Builder<T> label(String text) {
      this.label = text;
      return this;
    }

    /** Marks the setting as one a resumed run must share with its checkpoint. */
    Builder<T> trajectory() {
      this.trajectory = true;
      return this;
    }

    Builder<T> fallback(String value) {
      this.fallback = value;
      return this;
    }

    Builder<T> sparkUnset(Object value) {
      this.sparkUnset = value;
      return this;
    }

    Builder<T> sparkHelp(String text) {
      this.sparkHelp = text;
      return this;
    }

    Setting<T> build() {
      return new Setting<>(this);
    }
  }
}
