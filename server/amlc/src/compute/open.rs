//! `amlc compute open NAME [--app APP] [--browser]`: an instance's application URL (JupyterLab by default),
//! printed, and with `--browser` opened in the system browser.

use amlc_azure::models::Application;

use super::args::OpenArgs;
use super::ops::{fetch, name};
use super::output::line;
use super::{Ctx, Failure, Outcome};

/// Spellings users type for the built-in applications, and the words of the display names they match.
const ALIASES: &[(&str, &str)] = &[
    ("jupyterlab", "jupyterlab"),
    ("lab", "jupyterlab"),
    ("jupyter", "jupyter"),
    ("rstudio", "rstudio"),
    ("vscode", "vscode"),
    ("code", "vscode"),
];

/// A display name folded for comparison: `Jupyter Lab` → `jupyterlab`, `VS Code (Web)` → `vscodeweb`.
fn fold(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// The application `wanted` names: an exact (folded) display name first, then a built-in alias.
pub fn pick<'a>(apps: &'a [Application], wanted: &str) -> Option<&'a Application> {
    let key = fold(wanted);
    apps.iter().find(|a| fold(&a.display_name) == key).or_else(|| {
        let alias = ALIASES.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)?;
        apps.iter().find(|a| {
            let folded = fold(&a.display_name);
            folded == alias || (alias == "vscode" && folded.starts_with("vscode"))
        })
    })
}

pub async fn open(ctx: &Ctx, args: &OpenArgs) -> Outcome {
    let name = name(&args.name)?;
    let compute = fetch(ctx, name).await?;
    if !compute.is_instance() {
        return Err(Failure::new(format!(
            "'{name}' is {}; only compute instances serve applications",
            super::output::with_article(compute.compute_type())
        )));
    }
    let apps = compute.applications();
    let wanted = args.app.as_deref().unwrap_or("jupyterlab");
    let Some(app) = pick(&apps, wanted) else {
        let names: Vec<&str> = apps.iter().map(|a| a.display_name.as_str()).collect();
        let offered = if names.is_empty() {
            format!("it offers none while it is {}", compute.status())
        } else {
            format!("it offers {}", names.join(", "))
        };
        return Err(Failure::usage(format!("'{name}' has no application '{wanted}'; {offered}")));
    };
    if args.browser {
        launch(&app.endpoint_uri)?;
    }
    line(&app.endpoint_uri)
}

/// Opens `url` with the platform's opener.
fn launch(url: &str) -> Result<(), Failure> {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    match command.arg(url).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(Failure::new(format!("the browser could not be opened ({status}); open {url} yourself"))),
        Err(e) => Err(Failure::new(format!("the browser could not be opened ({e}); open {url} yourself"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applications_by_alias_or_display_name() {
        let app = |n: &str| Application { display_name: n.into(), endpoint_uri: format!("https://h/{n}") };
        let apps = [app("Jupyter"), app("Jupyter Lab"), app("RStudio"), app("VS Code (Web)"), app("my-app")];
        let cases = [
            ("jupyterlab", Some("Jupyter Lab")),
            ("jupyter", Some("Jupyter")),
            ("vscode", Some("VS Code (Web)")),
            ("RStudio", Some("RStudio")),
            ("my-app", Some("my-app")),
            ("tensorboard", None),
        ];
        for (wanted, want) in cases {
            assert_eq!(pick(&apps, wanted).map(|a| a.display_name.as_str()), want, "{wanted}");
        }
    }
}
