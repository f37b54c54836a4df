namespace Mail.Protocols.Filtering.Learning;

/// <summary>
/// The <c>Mail:Filters:Bayes</c> section: the built-in per-user Bayesian classifier
/// (<see cref="BayesClassifier"/>, data in <see cref="BayesStore"/>).
/// </summary>
/// <remarks>
/// Defaults follow SpamBayes (unknown-word strength 0.45, 150 discriminators, minimum strength 0.1)
/// and SpamAssassin (200 spam and 200 ham learned before the classifier is used; BAYES_xx points).
/// </remarks>
public sealed class BayesOptions
{
    /// <summary>Score mail with a user's Bayes data once it is trained enough. Default true. Learning works either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Messages learned as spam before the classifier scores mail (SpamAssassin's <c>bayes_min_spam_num</c>). Default 200.</summary>
    public int MinSpamMessages { get; set; } = 200;

    /// <summary>Messages learned as ham before the classifier scores mail (<c>bayes_min_ham_num</c>). Default 200.</summary>
    public int MinHamMessages { get; set; } = 200;

    /// <summary>Octets of a message that are tokenized (the rest is ignored). Default 512 KiB.</summary>
    public int MaxMessageOctets { get; set; } = 512 * 1024;

    /// <summary>Distinct tokens kept per message (the first ones found). Default 5000.</summary>
    public int MaxTokensPerMessage { get; set; } = 5000;

    /// <summary>Header fields of a message that are tokenized (the first ones), against messages with 100,000 fields. Default 200.</summary>
    public int MaxHeaderFields { get; set; } = 200;

    /// <summary>MIME parts whose text is tokenized (the first ones). Default 50.</summary>
    public int MaxParts { get; set; } = 50;

    /// <summary>The strongest tokens combined per message (SpamBayes <c>max_discriminators</c>). Default 150.</summary>
    public int MaxDiscriminators { get; set; } = 150;

    /// <summary>Tokens whose probability is closer than this to 0.5 are ignored (SpamBayes <c>minimum_prob_strength</c>). Default 0.1.</summary>
    public double MinProbabilityStrength { get; set; } = 0.1;

    /// <summary>Robinson's <c>s</c>: how strongly the prior <see cref="UnknownWordProbability"/> weighs on rare tokens. Default 0.45.</summary>
    public double UnknownWordStrength { get; set; } = 0.45;

    /// <summary>Robinson's <c>x</c>: the probability of a token never seen. Default 0.5.</summary>
    public double UnknownWordProbability { get; set; } = 0.5;

    /// <summary>
    /// Multiplies the points of the probability bands (SpamAssassin's BAYES_00 -1.9 … BAYES_99 +3.5).
    /// Default 1.0; without spamd, 1.5 lets a BAYES_99 message alone reach a junk score of 5.
    /// </summary>
    public double ScoreScale { get; set; } = 1.0;

    /// <summary>Seconds one classification may take. Default 10.</summary>
    public double TimeoutSeconds { get; set; } = 10;
}
