package org.dptrain.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LoadedDataTest {
  @Test
  void refusesAFrameWithoutTheSourceColumns() {
    LoadedData ok = DataTestSupport.memory("mem", 1, new double[][] {{1}}, new Double[] {0.0});
    assertEquals("a loaded frame needs column _pos of type bigint; it has struct<features:vector,"
        + "label:double,_file:string>", assertThrows(IllegalArgumentException.class,
        () -> new LoadedData(ok.frame().drop(LoadedData.POS), 1, DataFormat.IDX)).getMessage());
    assertEquals("numFeatures must be at least 1, got 0", assertThrows(
        IllegalArgumentException.class, () -> new LoadedData(ok.frame(), 0, DataFormat.IDX))
        .getMessage());
  }
}
