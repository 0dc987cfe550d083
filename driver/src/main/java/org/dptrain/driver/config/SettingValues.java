package org.dptrain.driver.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of the settings of {@link SettingTable}: each setting's default unless given. Null is
 * the one "unset". Immutable; {@link #with} returns a copy.
 */
public final class SettingValues {
  private final Map<Setting<?>, Object> given;

  private SettingValues(Map<Setting<?>, Object> given) {
    this.given = given;
  }

  /** Every setting at its default. */
  public static SettingValues defaults() {
    return new SettingValues(Map.of());
  }

  /** The value of {@code s}: the one given, else its default (null: unset). */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> s) {
    return given.containsKey(s) ? (T) given.get(s) : s.defaultValue();
  }

  /**
   * These values with {@code s} set to {@code value} (null: unset), checked.
   *
   * @throws IllegalArgumentException naming the setting's key and the value
   */
  public <T> SettingValues with(Setting<T> s, T value) {
    s.check(s.key(), value);
    Map<Setting<?>, Object> m = new HashMap<>(given);
    m.put(s, value);
    return new SettingValues(m);
  }

  /**
   * These values with {@code s} read from {@code text} (null: unchanged).
   *
   * @param name how the value was named by the user, for messages
   */
  public SettingValues withText(Setting<?> s, String name, String text) {
    if (text == null) {
      return this;
    }
    Map<Setting<?>, Object> m = new HashMap<>(given);
    m.put(s, s.parse(name, text));
    return new SettingValues(m);
  }

  /** Every setting under its key, as plain values, in {@link SettingTable#ALL}'s order. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Setting<?> s : SettingTable.ALL) {
      m.put(s.key(), plain(s));
    }
    return m;
  }

  private <T> Object plain(Setting<T> s) {
    return s.plain(get(s));
  }
}
