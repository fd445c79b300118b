package io.tunestream.dataset;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a {@link DatasetKind} as the label users see ({@code sft}, {@code preference}, {@code pretrain},
 * {@code eval}). */
@Converter
public class DatasetKindConverter implements AttributeConverter<DatasetKind, String> {

    @Override
    public String convertToDatabaseColumn(DatasetKind kind) {
        return kind == null ? null : kind.label();
    }

    @Override
    public DatasetKind convertToEntityAttribute(String label) {
        return label == null ? null : DatasetKind.fromLabel(label);
    }
}
