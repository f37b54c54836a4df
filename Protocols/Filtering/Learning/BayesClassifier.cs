namespace Mail.Protocols.Filtering.Learning;

/// <summary>
/// Gary Robinson's token probabilities combined with Fisher's chi-square method, as SpamBayes and
/// bogofilter do: pure arithmetic over <see cref="BayesCounts"/>, no I/O.
/// </summary>
/// <remarks>
/// Per token w with spam count s and ham count h out of S spam and H ham messages:
/// p(w) = (s/S) / (s/S + h/H); f(w) = (k·x + n·p(w)) / (k + n) with n = s + h, k =
/// <see cref="BayesOptions.UnknownWordStrength"/> and x = <see cref="BayesOptions.UnknownWordProbability"/>.
/// Tokens with |f − 0.5| &lt; <see cref="BayesOptions.MinProbabilityStrength"/> are dropped, the
/// <see cref="BayesOptions.MaxDiscriminators"/> strongest are kept, then
/// S' = 1 − C⁻¹(−2 Σ ln(1 − f), 2n), H' = 1 − C⁻¹(−2 Σ ln f, 2n) and the spam probability is
/// (1 + S' − H') / 2 (SpamBayes <c>chi2_spamprob</c>): near 1 spam, near 0 ham, near 0.5 unsure.
/// </remarks>
public static class BayesClassifier
{
    /// <summary>The spam probability of a message in [0, 1], 0.5 when no token is strong enough, and the tokens used.</summary>
    public static BayesScore Classify(IReadOnlySet<string> tokens, BayesCounts counts, BayesOptions options)
    {
        var clues = new List<(string Token, double Probability)>();
        var spamTotal = Math.Max(counts.SpamMessages, 1);
        var hamTotal = Math.Max(counts.HamMessages, 1);
        foreach (var token in tokens)
        {
            double f;
            if (counts.Tokens.TryGetValue(token, out var c) && c.Spam + c.Ham > 0)
            {
                var spamRatio = Math.Min(c.Spam / (double)spamTotal, 1.0);
                var hamRatio = Math.Min(c.Ham / (double)hamTotal, 1.0);
                var p = spamRatio / (spamRatio + hamRatio);
                var n = c.Spam + c.Ham;
                f = (options.UnknownWordStrength * options.UnknownWordProbability + n * p) / (options.UnknownWordStrength + n);
            }
            else
            {
                f = options.UnknownWordProbability;
            }
            if (Math.Abs(f - 0.5) >= options.MinProbabilityStrength)
            {
                clues.Add((token, f));
            }
        }
        var strongest = clues
            .OrderByDescending(c => Math.Abs(c.Probability - 0.5))
            .ThenBy(c => c.Token, StringComparer.Ordinal)
            .Take(options.MaxDiscriminators)
            .ToList();
        if (strongest.Count == 0)
        {
            return new BayesScore(0.5, []);
        }
        double sumLnHam = 0, sumLnSpam = 0;
        foreach (var (_, f) in strongest)
        {
            // Clamp away from 0 and 1: f comes from counts, but ln(0) must never happen.
            var clamped = Math.Clamp(f, 1e-9, 1 - 1e-9);
            sumLnHam += Math.Log(clamped);
            sumLnSpam += Math.Log(1 - clamped);
        }
        var spamness = 1 - ChiSquareQ(-2 * sumLnSpam, 2 * strongest.Count);
        var hamness = 1 - ChiSquareQ(-2 * sumLnHam, 2 * strongest.Count);
        var probability = (1 + spamness - hamness) / 2;
        return new BayesScore(probability, strongest.Select(c => c.Token).ToList());
    }

    /// <summary>The probability that a chi-square variable with <paramref name="degrees"/> (even) degrees of freedom is ≥ <paramref name="x2"/>.</summary>
    internal static double ChiSquareQ(double x2, int degrees)
    {
        var m = x2 / 2;
        var term = Math.Exp(-m);
        var sum = term;
        for (var i = 1; i < degrees / 2; i++)
        {
            term *= m / i;
            sum += term;
        }
        return Math.Min(sum, 1.0);
    }

    /// <summary>
    /// SpamAssassin's BAYES_xx rule for a probability and its points (times <see cref="BayesOptions.ScoreScale"/>):
    /// BAYES_00 (&lt; 0.01) −1.9, BAYES_05 −0.5, BAYES_20 −0.001, BAYES_40 −0.001, BAYES_50 0.8,
    /// BAYES_60 1.5, BAYES_80 2.0, BAYES_95 3.0, BAYES_99 (≥ 0.99) 3.5, BAYES_999 (≥ 0.999) 3.7.
    /// </summary>
    public static (string Rule, double Points) Band(double probability, double scale)
    {
        var (rule, points) = probability switch
        {
            >= 0.999 => ("BAYES_999", 3.7),
            >= 0.99 => ("BAYES_99", 3.5),
            >= 0.95 => ("BAYES_95", 3.0),
            >= 0.80 => ("BAYES_80", 2.0),
            >= 0.60 => ("BAYES_60", 1.5),
            >= 0.40 => ("BAYES_50", 0.8),
            >= 0.20 => ("BAYES_40", -0.001),
            >= 0.05 => ("BAYES_20", -0.001),
            >= 0.01 => ("BAYES_05", -0.5),
            _ => ("BAYES_00", -1.9),
        };
        return (rule, points * scale);
    }
}

/// <summary>A classification.</summary>
/// <param name="Probability">Spam probability in [0, 1].</param>
/// <param name="Clues">The tokens that decided it, strongest first.</param>
public sealed record BayesScore(double Probability, IReadOnlyList<string> Clues);
