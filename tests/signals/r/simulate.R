# Simulated weekly series with injected outbreaks (the design of Noufaily et al. 2013,
# Statistics in Medicine 32:1206, section 4), and R's farringtonFlexible alarms on them.
#
#   Rscript tests/signals/r/simulate.R OUTDIR NREP SCENARIOS [SEED] [SETTINGS]
#     OUTDIR     where to write sim_series.csv, sim_outbreaks.csv, sim_alarms.csv, sim_settings.csv
#     NREP       replicates per scenario and outbreak size
#     SCENARIOS  comma-separated scenario numbers (1-8, table below) or "all"
#     SETTINGS   comma-separated setting names (below) or "all" (the default)
#
# Baseline: y_t ~ NegBin with mean mu_t and variance phi * mu_t (Poisson when phi = 1),
#   log mu_t = theta + beta t + sum_{j=1..m} gamma1 cos(2 pi j t / 52) + gamma2 sin(2 pi j t / 52),
#   t = 1..624 (12 years of 52 weeks). The scenario parameters span the ranges of the paper's
#   Table I (low to high counts, trend, one or two harmonics, phi 1 to 5).
# Outbreaks: four in the five years before the monitored year (start uniform in weeks 313-550,
#   size k ~ uniform{2..10}) and one in the monitored weeks 576-624 (start uniform in 576-615,
#   size k from the design grid). An outbreak of size k starting in week s has
#   Poisson(k * sd_s) cases, sd_s = sqrt(phi * mu_s), spread over the following weeks by a
#   lognormal(0, 0.5) delay discretised on 0..20 weeks (surveillance's lognormDiscrete).
# Evaluation: every setting is run on weeks 576-624 of the series without the current
#   outbreak (false positive rate: alarms per monitored week) and on the outbreak weeks of the
#   series with it (probability of detection: at least one alarm during the outbreak).
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
outdir <- args[1]
nrep <- as.integer(args[2])
scen_arg <- if (length(args) >= 3) args[3] else "all"
seed <- if (length(args) >= 4) as.integer(args[4]) else 20130401L
setting_arg <- if (length(args) >= 5) args[5] else "all"
set.seed(seed)
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)

scenarios <- data.frame(
  scenario = 1:8,
  theta = c(0.5, 1.5, 2.5, 3.5, 0.1, 2.0, 4.0, 1.0),
  beta = c(0, 0, 0.001, 0, 0, -0.001, 0.0005, 0.002),
  gamma1 = c(0.2, 0.6, 0.3, 0.8, 0, 0.2, 0.5, 0.3),
  gamma2 = c(0.2, 0.6, 0.3, 0.8, 0, 0.4, 0.5, 0.6),
  m = c(1, 1, 1, 2, 0, 1, 1, 2),
  phi = c(1.5, 2, 1, 3, 1, 5, 1.5, 2)
)
if (scen_arg != "all") scenarios <- scenarios[scenarios$scenario %in% as.integer(strsplit(scen_arg, ",")[[1]]), ]
sizes <- c(2, 4, 6, 8, 10)
N <- 624
monitored <- 576:624

settings <- list(
  farrington = list(noPeriods = 1, b = 5, w = 3, weightsThreshold = 1, pastWeeksNotIncluded = 3,
                    alpha = 0.005, thresholdMethod = "delta", powertrans = "2/3"),
  noufaily = list(noPeriods = 10, b = 5, w = 3, weightsThreshold = 2.58,
                  pastWeeksNotIncluded = 26, alpha = 0.005, thresholdMethod = "nbPlugin"),
  noufaily_muan = list(noPeriods = 10, b = 5, w = 3, weightsThreshold = 2.58,
                       pastWeeksNotIncluded = 26, alpha = 0.005, thresholdMethod = "muan")
)
if (setting_arg != "all") settings <- settings[strsplit(setting_arg, ",")[[1]]]
keys <- c("b", "w", "reweight", "weightsThreshold", "alpha", "trend", "pThresholdTrend",
          "powertrans", "noPeriods", "pastWeeksNotIncluded", "thresholdMethod")
write.csv(do.call(rbind, lapply(names(settings), function(n) {
  full <- modifyList(list(b = 5, w = 3, reweight = TRUE, weightsThreshold = 2.58, alpha = 0.05,
                          trend = TRUE, pThresholdTrend = 0.05, powertrans = "2/3",
                          noPeriods = 1, pastWeeksNotIncluded = NA,
                          thresholdMethod = "delta"), settings[[n]])
  data.frame(setting = n, full[keys], stringsAsFactors = FALSE)
})), file.path(outdir, "sim_settings.csv"), row.names = FALSE)

dens <- surveillance:::lognormDiscrete(Dmax = 20, logmu = 0, sigma = 0.5)
outbreak <- function(start, k, mu, phi) {
  cases <- rpois(1, k * sqrt(phi * mu[start]))
  add <- numeric(N)
  if (cases > 0) {
    when <- start + sample(seq_along(dens) - 1, cases, replace = TRUE, prob = dens)
    when <- when[when <= N]
    add <- tabulate(when, nbins = N)
  }
  add
}

series_rows <- list(); outbreak_rows <- list(); alarm_rows <- list()
id <- 0
for (i in seq_len(nrow(scenarios))) {
  sc <- scenarios[i, ]
  t <- 1:N
  season <- 0
  for (j in seq_len(sc$m)) season <- season + sc$gamma1 * cos(2 * pi * j * t / 52) +
    sc$gamma2 * sin(2 * pi * j * t / 52)
  mu <- exp(sc$theta + sc$beta * t + season)
  for (k in sizes) {
    for (r in seq_len(nrep)) {
      id <- id + 1
      base <- if (sc$phi == 1) rpois(N, mu) else rnbinom(N, size = mu / (sc$phi - 1), mu = mu)
      for (o in 1:4) base <- base + outbreak(sample(313:550, 1), sample(2:10, 1), mu, sc$phi)
      start <- sample(576:615, 1)
      cur <- outbreak(start, k, mu, sc$phi)
      series_rows[[id]] <- data.frame(id = id, scenario = sc$scenario, size = k, rep = r,
                                      t = t, baseline = base, outbreak = cur)
      weeks <- which(cur > 0)
      outbreak_rows[[id]] <- data.frame(id = id, start = start, cases = sum(cur),
                                        first = if (length(weeks)) min(weeks) else NA,
                                        last = if (length(weeks)) max(weeks) else NA)
      for (s in names(settings)) {
        ctrl <- c(settings[[s]], list(glmWarnings = FALSE))
        # false positives: the monitored weeks of the series without the current outbreak
        res0 <- farringtonFlexible(sts(observed = matrix(base), frequency = 52, start = c(2000, 1)),
                                   control = c(ctrl, list(range = monitored)))
        rows <- data.frame(id = id, setting = s, version = "baseline", t = monitored,
                           upperbound = as.numeric(upperbound(res0)), alarm = as.logical(alarms(res0)))
        if (length(weeks)) {
          # (a range with gaps breaks farringtonFlexible: run the whole span, keep the weeks)
          span <- min(weeks):max(weeks)
          res1 <- farringtonFlexible(sts(observed = matrix(base + cur), frequency = 52, start = c(2000, 1)),
                                     control = c(ctrl, list(range = span)))
          keep <- match(weeks, span)
          rows <- rbind(rows, data.frame(id = id, setting = s, version = "outbreak", t = weeks,
                                         upperbound = as.numeric(upperbound(res1))[keep],
                                         alarm = as.logical(alarms(res1))[keep]))
        }
        alarm_rows[[length(alarm_rows) + 1]] <- rows
      }
    }
  }
  cat("scenario", sc$scenario, "done\n")
}
write.csv(scenarios, file.path(outdir, "sim_scenarios.csv"), row.names = FALSE)
write.csv(do.call(rbind, series_rows), file.path(outdir, "sim_series.csv"), row.names = FALSE)
write.csv(do.call(rbind, outbreak_rows), file.path(outdir, "sim_outbreaks.csv"), row.names = FALSE)
al <- do.call(rbind, alarm_rows)
al$upperbound <- signif(al$upperbound, 12)
write.csv(al, file.path(outdir, "sim_alarms.csv"), row.names = FALSE)
