# Fixtures for hicmonitor.analysis.signals, made by R's surveillance package itself.
#
# Run from the repository root (needs Debian's r-base-core and r-cran-surveillance):
#     Rscript tests/signals/r/make_fixtures.R
# Writes small CSV files to tests/signals/fixtures/:
#   series.csv               the input series (series, t, observed, population, freq)
#   farrington_settings.csv  the control settings (one row each; NA = R's NULL/default)
#   farrington.csv           farringtonFlexible output per series x setting x time point
#   ears.csv, ears_settings.csv  earsC C1/C2/C3 output and its settings
#   cusum.csv                glrnb with a fixed shift theta (the LR CUSUM), ret = "cases"
#   versions.csv             R and surveillance versions used
#
# Every series is given to R as a plain sts without dates (epochAsDate = FALSE), so the
# reference time points are "t - freq * i", the rule the Python port implements.
suppressMessages(library(surveillance))
set.seed(20240613)
out <- "tests/signals/fixtures"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

## ---------------------------------------------------------------- series
series <- list()
add_series <- function(name, observed, freq, population = NULL) {
  if (is.null(population)) {
    # a smooth, deterministic population so that populationOffset can be tested on any series
    t <- seq_along(observed)
    population <- round(1e6 * (1 + 0.004 * t / freq + 0.02 * sin(2 * pi * t / max(freq, 2))))
  }
  series[[name]] <<- list(observed = as.numeric(observed), freq = freq,
                          population = as.numeric(population))
}
data("salmonella.agona")
add_series("agona", salmonella.agona$observed, 52)
data("salmNewport")
add_series("newport", rowSums(observed(salmNewport)), 52)
data("campyDE")
add_series("campy", campyDE$case, 52)
data("rotaBB")
add_series("rota_0004", observed(rotaBB)[, "00-04"], 12)
data("shadar")
add_series("shadar", shadar$observed, 52)

# Dutch yearly series (registered crime per municipality, 2012-2025) with real population
crime <- read.csv("data/nl/registered_crime_gemeente_yearly.csv", colClasses = c(crime_code = "character"))
pop <- read.csv("data/nl/population_gemeente_yearly.csv")
with_pop <- names(which(table(pop$region_code[pop$year >= 2012 & pop$year <= 2025]) == 14))
fixed <- c("GM0855", "GM0363", "GM0096", "GM0088", "GM0344", "GM0599", "GM0014")
others <- sample(setdiff(intersect(unique(crime$region_code), with_pop), fixed), 9)
for (gm in c(fixed, others)) {
  for (code in c("1.1.1", "1.4.2", "1.4.4", "1.4.5")) {
    s <- crime[crime$region_code == gm & crime$crime_code == code, ]
    s <- s[order(s$year), ]
    p <- pop[pop$region_code == gm, ]
    p <- p[match(s$year, p$year), "inhabitants"]
    add_series(paste0("nl_", gm, "_", code), s$registered_crimes, 1, p)
  }
}

series_rows <- do.call(rbind, lapply(names(series), function(n) {
  s <- series[[n]]
  data.frame(series = n, t = seq_along(s$observed), observed = s$observed,
             population = s$population, freq = s$freq)
}))
write.csv(series_rows, file.path(out, "series.csv"), row.names = FALSE)

make_sts <- function(name) {
  s <- series[[name]]
  sts(observed = matrix(s$observed), population = matrix(s$population), frequency = s$freq,
      start = c(2000, 1))
}

## ---------------------------------------------------------------- farringtonFlexible
# One row per setting; NA means "R's default" (pastWeeksNotIncluded NA -> w).
settings <- list(
  # the help page's control1 (the reference in /work/shared/reference/farrington)
  control1 = list(noPeriods = 1, b = 4, w = 3, weightsThreshold = 1, pastWeeksNotIncluded = 3,
                  pThresholdTrend = 0.05, alpha = 0.1),
  # Noufaily et al. (2013) improved method as in the JSS paper: 10-level seasonal factor
  noufaily = list(noPeriods = 10, b = 4, w = 3, weightsThreshold = 2.58,
                  pastWeeksNotIncluded = 26, pThresholdTrend = 1, thresholdMethod = "nbPlugin"),
  muan = list(noPeriods = 4, b = 3, w = 2, weightsThreshold = 2.58, pastWeeksNotIncluded = 8,
              trend = FALSE, thresholdMethod = "muan", alpha = 0.01),
  sqrt_noreweight = list(b = 5, w = 2, reweight = FALSE, powertrans = "1/2", alpha = 0.025,
                         limit54 = c(0, 4)),
  none_limit = list(noPeriods = 3, b = 3, w = 4, pastWeeksNotIncluded = 4, powertrans = "none",
                    pThresholdTrend = 0.1, limit54 = c(10, 2)),
  population = list(noPeriods = 2, b = 3, w = 3, populationOffset = TRUE, alpha = 0.05,
                    weightsThreshold = 1.5),
  population_nb = list(noPeriods = 1, b = 4, w = 2, populationOffset = TRUE,
                       thresholdMethod = "nbPlugin", pastWeeksNotIncluded = 0, alpha = 0.01),
  # yearly series: w = 0 (a window of neighbouring years would overlap the other years)
  yearly = list(noPeriods = 1, b = 5, w = 0, pastWeeksNotIncluded = 0, alpha = 0.05,
                weightsThreshold = 2.58, limit54 = c(5, 1)),
  yearly_pop = list(noPeriods = 1, b = 4, w = 1, pastWeeksNotIncluded = 0, alpha = 0.01,
                    populationOffset = TRUE, thresholdMethod = "nbPlugin", limit54 = c(5, 4)),
  yearly_muan = list(noPeriods = 1, b = 6, w = 0, pastWeeksNotIncluded = 0, trend = FALSE,
                     powertrans = "none", thresholdMethod = "muan", alpha = 0.025,
                     limit54 = c(0, 1)),
  yearly_untrimmed = list(noPeriods = 1, b = 3, w = 0, reweight = FALSE, alpha = 0.1,
                          pThresholdTrend = 0.2, powertrans = "1/2", limit54 = c(1, 1))
)
weekly <- c("agona", "newport", "campy", "shadar")
runs <- list(
  control1 = c(weekly, "rota_0004"), noufaily = c("agona", "newport", "campy"),
  muan = c("agona", "newport", "rota_0004"), sqrt_noreweight = c("agona", "campy", "shadar"),
  none_limit = c("agona", "newport", "rota_0004"), population = c("agona", "campy"),
  population_nb = c("newport", "rota_0004"),
  yearly = grep("^nl_", names(series), value = TRUE),
  yearly_pop = grep("^nl_", names(series), value = TRUE),
  yearly_muan = grep("^nl_", names(series), value = TRUE),
  yearly_untrimmed = grep("^nl_", names(series), value = TRUE)
)
keys <- c("b", "w", "reweight", "weightsThreshold", "alpha", "trend", "pThresholdTrend",
          "limit54_cases", "limit54_periods", "powertrans", "populationOffset", "noPeriods",
          "pastWeeksNotIncluded", "thresholdMethod")
setting_rows <- do.call(rbind, lapply(names(settings), function(n) {
  full <- modifyList(list(b = 5, w = 3, reweight = TRUE, weightsThreshold = 2.58, alpha = 0.05,
                          trend = TRUE, pThresholdTrend = 0.05, limit54 = c(5, 4),
                          powertrans = "2/3", populationOffset = FALSE, noPeriods = 1,
                          pastWeeksNotIncluded = NA, thresholdMethod = "delta"), settings[[n]])
  full$limit54_cases <- full$limit54[1]; full$limit54_periods <- full$limit54[2]
  data.frame(setting = n, full[keys], stringsAsFactors = FALSE)
}))
write.csv(setting_rows, file.path(out, "farrington_settings.csv"), row.names = FALSE)

far_rows <- list()
for (n in names(runs)) {
  for (s in runs[[n]]) {
    x <- make_sts(s)
    ctrl <- settings[[n]]
    ctrl$glmWarnings <- FALSE
    res <- farringtonFlexible(x, control = ctrl)
    rng <- seq(to = nrow(x), length.out = nrow(res))
    far_rows[[length(far_rows) + 1]] <- data.frame(
      series = s, setting = n, t = rng,
      expected = as.numeric(res@control$expected), upperbound = as.numeric(upperbound(res)),
      alarm = as.logical(alarms(res)), score = as.numeric(res@control$score),
      pvalue = as.numeric(res@control$pvalue), trend = as.numeric(res@control$trend))
  }
}
far <- do.call(rbind, far_rows)
write.csv(far, file.path(out, "farrington.csv"), row.names = FALSE)

## ---------------------------------------------------------------- earsC
ears_settings <- list(
  C1 = list(method = "C1"), C2 = list(method = "C2"), C3 = list(method = "C3"),
  C1_a05_b10 = list(method = "C1", alpha = 0.05, baseline = 10),
  C2_sigma = list(method = "C2", alpha = 0.01, minSigma = 1),
  C3_sigma = list(method = "C3", alpha = 0.05, minSigma = 0.5, baseline = 5)
)
ears_rows <- list()
for (n in names(ears_settings)) {
  for (s in c("agona", "newport", "shadar", "nl_GM0855_1.1.1", "nl_GM0096_1.4.5")) {
    x <- make_sts(s)
    res <- earsC(x, control = ears_settings[[n]])
    rng <- seq(to = nrow(x), length.out = nrow(res))
    ears_rows[[length(ears_rows) + 1]] <- data.frame(
      series = s, setting = n, t = rng, upperbound = signif(as.numeric(upperbound(res)), 15),
      alarm = as.logical(alarms(res)))
  }
}
write.csv(do.call(rbind, ears_rows), file.path(out, "ears.csv"), row.names = FALSE)
write.csv(do.call(rbind, lapply(names(ears_settings), function(n) {
  ctrl <- ears_settings[[n]]
  data.frame(setting = n, method = ctrl$method,
             alpha = if (is.null(ctrl$alpha)) NA else ctrl$alpha,
             baseline = if (is.null(ctrl$baseline)) 7 else ctrl$baseline,
             minSigma = if (is.null(ctrl$minSigma)) 0 else ctrl$minSigma)
})), file.path(out, "ears_settings.csv"), row.names = FALSE)

## ---------------------------------------------------------------- NB CUSUM (glrnb, fixed theta)
# scale: mu0 is the mean of the periods before the range times scale (< 1 to get alarms)
cusum_settings <- list(
  nb_double = list(alpha = 0.1, theta = log(2), c.ARL = 4, scale = 1),
  nb_half = list(alpha = 0.3, theta = log(1.5), c.ARL = 2.5, scale = 0.8),
  pois = list(alpha = 0, theta = log(1.5), c.ARL = 5, scale = 0.9),
  pois_low = list(alpha = 0, theta = log(1.2), c.ARL = 1.5, scale = 0.6)
)
cusum_rows <- list()
for (n in names(cusum_settings)) {
  for (s in c("agona", "newport", "nl_GM0855_1.1.1", "nl_GM0363_1.4.5", "nl_GM0096_1.1.1")) {
    x <- make_sts(s)
    nobs <- length(observed(x))
    start <- if (x@freq == 1) 6 else nobs - 103
    # in-control mean: the mean of the periods before the monitored range (constant)
    cs <- cusum_settings[[n]]
    mu0 <- rep(cs$scale * mean(observed(x)[1:(start - 1)]), nobs - start + 1)
    ctrl <- c(cs[c("alpha", "theta", "c.ARL")], list(range = start:nobs, mu0 = mu0, ret = "cases"))
    res <- glrnb(x, control = ctrl)
    cusum_rows[[length(cusum_rows) + 1]] <- data.frame(
      series = s, setting = n, alpha = ctrl$alpha, theta = ctrl$theta, c_ARL = ctrl$c.ARL,
      t = start:nobs, mu0 = mu0,
      upperbound = as.numeric(upperbound(res)), alarm = as.logical(alarms(res)))
  }
}
write.csv(do.call(rbind, cusum_rows), file.path(out, "cusum.csv"), row.names = FALSE)

write.csv(data.frame(R = R.version.string,
                     surveillance = as.character(packageVersion("surveillance"))),
          file.path(out, "versions.csv"), row.names = FALSE)
cat("fixtures written to", out, "\n")
