package org.dptrain.driver.cli;

import java.util.List;
import java.util.Set;
import org.dptrain.driver.config.Setting;
import org.dptrain.driver.config.SettingTable;
import org.dptrain.driver.config.SettingValues;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * The options of a job's settings, built from {@link SettingTable}: one long option per setting
 * (its key with two dashes), its help, its valid names and its default from the declaration. The
 * values a command gets are the defaults, overridden by the job file, overridden by the command
 * line; each is read and checked by its setting, and an error names where the value came from
 * (the option, or the job file and key).
 */
final class JobOptions {
  private JobOptions() {}

  /** Adds the options of every setting but {@code except} to {@code command}. */
  static void install(CommandLine command, Set<Setting<?>> except) {
    CommandSpec mixin = CommandSpec.create();
    for (Setting<?> s : SettingTable.ALL) {
      if (!except.contains(s)) {
        mixin.addOption(option(s));
      }
    }
    command.getCommandSpec().addMixin("job", mixin);
  }

  private static <T> OptionSpec option(Setting<T> s) {
    String help = s.help();
    if (s.defaultValue() != null && !s.isFlag()) {
      help += " (default: " + s.codec().text(s.defaultValue()) + ")";
    }
    OptionSpec.Builder b = OptionSpec.builder(s.option()).description(help);
    if (s.isFlag()) {
      return b.type(boolean.class).arity("0").build();
    }
    b.type(String.class).paramLabel(s.label());
    if (s.fallback() != null) {
      b.arity("0..1").fallbackValue(s.fallback());
    }
    return b.build();
  }

  /** Whether {@code s} is an option of {@code command}. */
  static boolean has(CommandSpec command, Setting<?> s) {
    return command.findOption(s.option()) != null;
  }

  /**
   * The settings' values for {@code command} after parsing.
   *
   * @param file the job file, or null
   * @throws IllegalArgumentException naming the option, or the job file and key, and the value
   */
  static SettingValues values(CommandSpec command, JobFile file) {
    SettingValues v = SettingValues.defaults();
    CommandLine.ParseResult parsed = command.commandLine().getParseResult();
    for (Setting<?> s : SettingTable.ALL) {
      OptionSpec o = command.findOption(s.option());
      if (o == null) {
        continue;
      }
      if (parsed.hasMatchedOption(s.option())) {
        Object value = o.getValue();
        v = v.withText(s, s.option(), s.isFlag() ? String.valueOf(value) : (String) value);
      } else if (file != null && file.value(s.key()) != null) {
        try {
          v = v.withText(s, s.key(), file.value(s.key()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file.where(s.key()) + ": " + e.getMessage(), e);
        }
      }
    }
    return v;
  }

  /** The settings {@code retrain} does not take: it registers the model rather than writing a run
   *  directory, and warm-starts from the registry's champion. */
  static final Set<Setting<?>> NOT_FOR_RETRAIN = Set.copyOf(List.of(SettingTable.OUTPUT,
      SettingTable.INIT_MODEL, SettingTable.NO_REPORT));
}
