package org.dptrain.driver.config;

import java.util.List;
import org.dptrain.activation.Activation;
import org.dptrain.loss.Loss;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;

/**
 * The network of a job ({@link SettingTable#LAYERS}, {@link SettingTable#ACTIVATIONS},
 * {@link SettingTable#LOSS}, {@link SettingTable#INIT}).
 *
 * @param spec the layers, activations and loss, checked to fit together
 * @param initializer the weight initializer, or null for the default per activation
 */
public record NetworkConfig(NetworkSpec spec, Initializer initializer) {
  static NetworkConfig of(int[] layers, List<Activation> activations, Loss loss,
      Initializer initializer) {
    return new NetworkConfig(new NetworkSpec(layers, activations, loss), initializer);
  }
}
