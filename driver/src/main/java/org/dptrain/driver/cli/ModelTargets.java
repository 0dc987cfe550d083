package org.dptrain.driver.cli;

import org.dptrain.driver.data.Targets;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.model.ModelFileException;

/** The targets a model was trained on: its loss and outputs, and its class names if any. */
final class ModelTargets {
  private ModelTargets() {}

  /** @throws ModelFileException if the model's class names are bad */
  static Targets of(Model m) throws ModelFileException {
    return Targets.of(m.spec().loss(), m.spec().outputSize())
        .withClassNames(ModelFile.classNames(m));
  }
}
