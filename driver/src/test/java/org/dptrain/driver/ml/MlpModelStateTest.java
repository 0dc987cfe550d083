package org.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The extra fields of a model are parsed with the bounded JSON reader (no Spark). */
class MlpModelStateTest {
  @Test
  void extraFieldsWithAKeyTwiceOrNestedTooDeepAreRefusedClearly() {
    assertEquals("the model's extra fields: field 'task' appears twice (line 1, columns 2 and"
        + " 20)", assertThrows(IllegalStateException.class,
            () -> MlpModelState.parseExtra("{\"task\": \"binary\", \"task\": \"regression\"}"))
            .getMessage());
    String deep = assertThrows(IllegalStateException.class,
        () -> MlpModelState.parseExtra("{\"a\": " + "[".repeat(100_000) + "}")).getMessage();
    assertTrue(deep.startsWith("the model's extra fields is refused: Document nesting depth (65)"
        + " exceeds the maximum allowed (64)"), deep);
    assertEquals("the model's extra fields are not a JSON object: [1]",
        assertThrows(IllegalStateException.class, () -> MlpModelState.parseExtra("[1]")).getMessage());
    assertEquals("binary", MlpModelState.parseExtra("{\"task\": \"binary\"}").get("task").asText());
  }
}
