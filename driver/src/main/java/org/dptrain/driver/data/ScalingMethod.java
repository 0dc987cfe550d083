package org.dptrain.driver.data;

import org.dptrain.names.Names;

/**
 * The feature scaling a job asks for: none, or a {@link FeatureScaling} method fitted on the
 * training data and stored with the model.
 */
public enum ScalingMethod {
  /** Features as they are. */
  NONE,
  /** {@link FeatureScaling#STANDARDIZE}. */
  STANDARDIZE,
  /** {@link FeatureScaling#MINMAX}. */
  MINMAX;

  /** The name in configuration and model files. */
  public String id() {
    return Names.id(this);
  }

  /**
   * Parses a name case-insensitively.
   *
   * @throws IllegalArgumentException "unknown scale 'NAME'; valid names: none, standardize, minmax"
   */
  public static ScalingMethod parse(String name) {
    return Names.parse(ScalingMethod.class, "scale", name);
  }

  /** The scaling of this method fitted on {@code data}, or null for {@link #NONE}. */
  public FeatureScaling fit(LoadedData data) {
    return switch (this) {
      case NONE -> null;
      case STANDARDIZE, MINMAX -> FeatureScaling.fit(data, id());
    };
  }
}
