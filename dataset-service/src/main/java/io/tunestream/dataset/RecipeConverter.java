package io.tunestream.dataset;

import io.tunestream.events.Recipe;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.Locale;

/** Stores a {@link Recipe} as its event label ({@code dpo}, {@code sft}, {@code pretrain}). */
@Converter
public class RecipeConverter implements AttributeConverter<Recipe, String> {

    @Override
    public String convertToDatabaseColumn(Recipe recipe) {
        return recipe == null ? null : label(recipe);
    }

    @Override
    public Recipe convertToEntityAttribute(String label) {
        return label == null ? null : fromLabel(label);
    }

    public static String label(Recipe recipe) {
        return recipe.name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted recipes */
    public static Recipe fromLabel(String label) {
        return Arrays.stream(Recipe.values())
                .filter(recipe -> label(recipe).equals(label))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("recipe '" + label + "' is not a recipe; accepted: "
                        + Arrays.stream(Recipe.values())
                                .map(RecipeConverter::label)
                                .toList()));
    }
}
