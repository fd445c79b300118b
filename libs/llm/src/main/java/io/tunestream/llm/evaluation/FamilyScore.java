package io.tunestream.llm.evaluation;

/** Correct answers out of the questions asked, for one task family or overall. */
public record FamilyScore(int correct, int total) {

    public FamilyScore {
        if (total < 0 || correct < 0 || correct > total) {
            throw new IllegalArgumentException("need 0 <= correct <= total, got " + correct + " of " + total);
        }
    }

    /** correct / total; 0 when nothing was asked. */
    public double accuracy() {
        return total == 0 ? 0 : (double) correct / total;
    }
}
