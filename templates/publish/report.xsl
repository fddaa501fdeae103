<?xml version="1.0" encoding="UTF-8"?>
<!-- report.xsl: partials of the publishing pages, imported (after common/layout.xsl, whose named templates
     it calls) by publish/new.xsl, publish/service.xsl, publish/dashboard.xsl and admin/approvals.xsl:
     the pipeline's report step by step, findings and policy violations, the registry status, times. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <!-- ===== The pipeline's report =====
       $report: the "report" element ({contract, version, breaking, policy, policy_engine, tests, approval},
       any step may be absent).  An ordered list, one entry per step that ran, in the pipeline's order. -->
  <xsl:template name="pipeline-report">
    <xsl:param name="report"/>
    <xsl:param name="label" select='mkt:tr("Pipeline steps")'/>
    <xsl:choose>
      <xsl:when test="$report/contract or $report/version or $report/breaking or $report/policy
                      or $report/policy_engine or $report/tests or $report/approval">
        <ol class="pipeline" aria-label="{$label}">
          <xsl:apply-templates select="$report/contract" mode="step"/>
          <xsl:apply-templates select="$report/version" mode="step"/>
          <xsl:apply-templates select="$report/breaking" mode="step"/>
          <xsl:apply-templates select="$report/policy" mode="step"/>
          <xsl:apply-templates select="$report/policy_engine" mode="step"/>
          <xsl:apply-templates select="$report/tests" mode="step"/>
          <xsl:apply-templates select="$report/approval" mode="step"/>
        </ol>
      </xsl:when>
      <xsl:otherwise>
        <p class="muted"><xsl:value-of select='mkt:tr("This version did not go through the publishing pipeline (it was imported).")'/></p>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- One step: a marker (ok, warning, failed) with its name in words, the title, a summary and details. -->
  <xsl:template name="pipeline-step">
    <xsl:param name="state"/>
    <xsl:param name="title"/>
    <xsl:param name="summary"/>
    <xsl:param name="details"/>
    <li class="step step-{$state}">
      <span class="step-marker" aria-hidden="true">
        <xsl:choose>
          <xsl:when test="$state = 'ok'">✓</xsl:when>
          <xsl:when test="$state = 'warning'">!</xsl:when>
          <xsl:otherwise>✕</xsl:otherwise>
        </xsl:choose>
      </span>
      <div class="step-body">
        <p class="step-title">
          <strong><xsl:value-of select="$title"/></strong>
          <xsl:text> </xsl:text>
          <span class="step-state">
            <xsl:call-template name="step-state-label"><xsl:with-param name="state" select="$state"/></xsl:call-template>
          </span>
        </p>
        <xsl:if test="string($summary) != ''">
          <p class="step-summary"><xsl:copy-of select="$summary"/></p>
        </xsl:if>
        <xsl:copy-of select="$details"/>
      </div>
    </li>
  </xsl:template>

  <xsl:template name="step-state-label">
    <xsl:param name="state"/>
    <xsl:choose>
      <xsl:when test="$state = 'ok'"><xsl:value-of select='mkt:tr("passed")'/></xsl:when>
      <xsl:when test="$state = 'warning'"><xsl:value-of select='mkt:tr("needs attention")'/></xsl:when>
      <xsl:otherwise><xsl:value-of select='mkt:tr("failed")'/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 1. The contract: parsed and validated as OpenAPI 3.1. -->
  <xsl:template match="contract" mode="step">
    <xsl:variable name="ok" select="string(ok) = 'true'"/>
    <xsl:call-template name="pipeline-step">
      <xsl:with-param name="state">
        <xsl:choose>
          <xsl:when test="$ok">ok</xsl:when>
          <xsl:otherwise>failed</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="title" select='mkt:tr("Contract")'/>
      <xsl:with-param name="summary">
        <xsl:choose>
          <xsl:when test="$ok"><xsl:value-of select='mkt:tr("A valid OpenAPI 3.1 document.")'/></xsl:when>
          <xsl:otherwise><xsl:value-of select='mkt:tr("The contract is not a valid OpenAPI 3.1 document.")'/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="details">
        <dl class="step-facts">
          <xsl:if test="normalize-space(format) != ''">
            <div>
              <dt><xsl:value-of select='mkt:tr("Format")'/></dt>
              <dd>
                <xsl:choose>
                  <xsl:when test="format = 'json'">JSON</xsl:when>
                  <xsl:when test="format = 'yaml'">YAML</xsl:when>
                  <xsl:otherwise><xsl:value-of select="format"/></xsl:otherwise>
                </xsl:choose>
              </dd>
            </div>
          </xsl:if>
          <xsl:if test="normalize-space(operations) != ''">
            <div>
              <dt><xsl:value-of select='mkt:tr("Operations")'/></dt>
              <dd><xsl:call-template name="number"><xsl:with-param name="value" select="operations"/></xsl:call-template></dd>
            </div>
          </xsl:if>
          <xsl:if test="normalize-space(ms) != ''">
            <div>
              <dt><xsl:value-of select='mkt:tr("Checked in")'/></dt>
              <dd><xsl:call-template name="ms"><xsl:with-param name="value" select="ms"/></xsl:call-template></dd>
            </div>
          </xsl:if>
          <xsl:if test="normalize-space(sha256) != ''">
            <div>
              <dt><xsl:value-of select='mkt:tr("SHA-256")'/></dt>
              <dd><code class="hash"><xsl:value-of select="sha256"/></code></dd>
            </div>
          </xsl:if>
        </dl>
        <xsl:call-template name="report-findings"><xsl:with-param name="items" select="findings/item"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- 2a. The version number: above the newest existing one. -->
  <xsl:template match="version" mode="step">
    <xsl:variable name="ok" select="string(ok) = 'true'"/>
    <xsl:call-template name="pipeline-step">
      <xsl:with-param name="state">
        <xsl:choose>
          <xsl:when test="$ok">ok</xsl:when>
          <xsl:otherwise>failed</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="title" select='mkt:tr("Version number")'/>
      <xsl:with-param name="summary">
        <xsl:choose>
          <xsl:when test="$ok"><xsl:value-of select='mkt:tr("Greater than every earlier version.")'/></xsl:when>
          <xsl:otherwise><xsl:value-of select='mkt:tr("Not greater than the newest version: a published version never changes, publish a greater one.")'/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="details">
        <xsl:if test="normalize-space(previous) != ''">
          <dl class="step-facts">
            <div>
              <dt><xsl:value-of select='mkt:tr("Newest earlier version")'/></dt>
              <dd><code><xsl:value-of select="previous"/></code></dd>
            </div>
          </dl>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- 2b. Breaking changes against the previous contract. -->
  <xsl:template match="breaking" mode="step">
    <xsl:variable name="ok" select="string(ok) = 'true'"/>
    <xsl:variable name="n" select="count(changes/item)"/>
    <xsl:call-template name="pipeline-step">
      <xsl:with-param name="state">
        <xsl:choose>
          <xsl:when test="not($ok)">failed</xsl:when>
          <xsl:when test="$n &gt; 0">warning</xsl:when>
          <xsl:otherwise>ok</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="title" select='mkt:tr("Breaking changes")'/>
      <xsl:with-param name="summary">
        <xsl:choose>
          <xsl:when test="not($ok)"><xsl:value-of select='mkt:tr("The contract breaks what clients of the previous version rely on; that needs a new major version.")'/></xsl:when>
          <xsl:when test="$n &gt; 0"><xsl:value-of select='mkt:tr("The contract has breaking changes; the new major version allows them.")'/></xsl:when>
          <xsl:otherwise><xsl:value-of select='mkt:tr("No breaking changes to the previous contract.")'/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="details">
        <xsl:if test="$n &gt; 0">
          <dl class="step-facts">
            <div>
              <dt><xsl:value-of select='mkt:tr("Breaking changes")'/></dt>
              <dd><xsl:call-template name="number"><xsl:with-param name="value" select="$n"/></xsl:call-template></dd>
            </div>
          </dl>
        </xsl:if>
        <xsl:call-template name="report-findings"><xsl:with-param name="items" select="changes/item"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- 3a. The marketplace's own policy rules ("block" refuses, "warn" only reports). -->
  <xsl:template match="policy" mode="step">
    <xsl:variable name="ok" select="string(ok) = 'true'"/>
    <xsl:call-template name="pipeline-step">
      <xsl:with-param name="state">
        <xsl:choose>
          <xsl:when test="not($ok)">failed</xsl:when>
          <xsl:when test="violations/item">warning</xsl:when>
          <xsl:otherwise>ok</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="title" select='mkt:tr("Policy rules")'/>
      <xsl:with-param name="summary">
        <xsl:choose>
          <xsl:when test="not($ok)"><xsl:value-of select='mkt:tr("The service breaks a blocking policy rule.")'/></xsl:when>
          <xsl:when test="violations/item"><xsl:value-of select='mkt:tr("No blocking rule is broken, but there are warnings.")'/></xsl:when>
          <xsl:otherwise><xsl:value-of select='mkt:tr("Every policy rule is kept.")'/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="details">
        <xsl:if test="normalize-space(rules) != ''">
          <dl class="step-facts">
            <div>
              <dt><xsl:value-of select='mkt:tr("Rules checked")'/></dt>
              <dd><xsl:call-template name="number"><xsl:with-param name="value" select="rules"/></xsl:call-template></dd>
            </div>
          </dl>
        </xsl:if>
        <xsl:call-template name="report-violations"><xsl:with-param name="items" select="violations/item"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- 3b. The outside policy engine (only when one is configured). -->
  <xsl:template match="policy_engine" mode="step">
    <xsl:variable name="ok" select="string(ok) = 'true'"/>
    <xsl:variable name="unavailable" select="string(status) = 'unavailable'"/>
    <xsl:call-template name="pipeline-step">
      <xsl:with-param name="state">
        <xsl:choose>
          <xsl:when test="not($ok)">failed</xsl:when>
          <xsl:when test="$unavailable or violations/item">warning</xsl:when>
          <xsl:otherwise>ok</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="title" select='mkt:tr("Outside policy engine")'/>
      <xsl:with-param name="summary">
        <xsl:choose>
          <xsl:when test="$unavailable and $ok"><xsl:value-of select='mkt:tr("The policy engine did not answer; publishing went on without it.")'/></xsl:when>
          <xsl:when test="$unavailable"><xsl:value-of select='mkt:tr("The policy engine did not answer; publishing stops until it does. Try again later.")'/></xsl:when>
          <xsl:when test="$ok"><xsl:value-of select='mkt:tr("The policy engine allowed the service.")'/></xsl:when>
          <xsl:otherwise><xsl:value-of select='mkt:tr("The policy engine refused the service.")'/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="details">
        <xsl:if test="normalize-space(ms) != ''">
          <dl class="step-facts">
            <div>
              <dt><xsl:value-of select='mkt:tr("Answer time")'/></dt>
              <dd><xsl:call-template name="ms"><xsl:with-param name="value" select="ms"/></xsl:call-template></dd>
            </div>
          </dl>
        </xsl:if>
        <xsl:if test="normalize-space(message) != ''">
          <p class="step-message"><xsl:value-of select="message"/></p>
        </xsl:if>
        <xsl:call-template name="report-violations"><xsl:with-param name="items" select="violations/item"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- 4. The endpoint: reachability, then one request built from the contract's example. -->
  <xsl:template match="tests" mode="step">
    <xsl:variable name="ok" select="string(ok) = 'true'"/>
    <xsl:call-template name="pipeline-step">
      <xsl:with-param name="state">
        <xsl:choose>
          <xsl:when test="$ok">ok</xsl:when>
          <xsl:otherwise>failed</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="title" select='mkt:tr("Endpoint tests")'/>
      <xsl:with-param name="summary">
        <xsl:choose>
          <xsl:when test="$ok and request and normalize-space(request/method) = ''"><xsl:value-of select='mkt:tr("The endpoint is reachable. The contract has no example request, so only reachability was tested.")'/></xsl:when>
          <xsl:when test="$ok"><xsl:value-of select='mkt:tr("The endpoint answers as the contract promises.")'/></xsl:when>
          <xsl:when test="not(reachability)"><xsl:value-of select='mkt:tr("There is no endpoint to test.")'/></xsl:when>
          <xsl:when test="string(reachability/ok) != 'true'"><xsl:value-of select='mkt:tr("The endpoint is not reachable.")'/></xsl:when>
          <xsl:otherwise><xsl:value-of select='mkt:tr("The endpoint does not answer as the contract promises.")'/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="details">
        <xsl:if test="reachability or request[normalize-space(method) != '']">
          <ul class="step-checks">
            <xsl:for-each select="reachability">
              <li>
                <xsl:attribute name="class">
                  <xsl:choose>
                    <xsl:when test="string(ok) = 'true'">check-ok</xsl:when>
                    <xsl:otherwise>check-failed</xsl:otherwise>
                  </xsl:choose>
                </xsl:attribute>
                <xsl:call-template name="check-mark"><xsl:with-param name="ok" select="string(ok) = 'true'"/></xsl:call-template>
                <strong><xsl:value-of select='mkt:tr("Reachability")'/></strong>
                <xsl:text>: </xsl:text>
                <xsl:call-template name="http-answer">
                  <xsl:with-param name="status" select="status"/>
                  <xsl:with-param name="ms" select="ms"/>
                </xsl:call-template>
                <xsl:if test="normalize-space(message) != ''">
                  <span class="check-message"><xsl:value-of select="message"/></span>
                </xsl:if>
              </li>
            </xsl:for-each>
            <xsl:for-each select="request[normalize-space(method) != '']">
              <li>
                <xsl:attribute name="class">
                  <xsl:choose>
                    <xsl:when test="string(ok) = 'true'">check-ok</xsl:when>
                    <xsl:otherwise>check-failed</xsl:otherwise>
                  </xsl:choose>
                </xsl:attribute>
                <xsl:call-template name="check-mark"><xsl:with-param name="ok" select="string(ok) = 'true'"/></xsl:call-template>
                <strong><xsl:value-of select='mkt:tr("Example request")'/></strong>
                <xsl:text>: </xsl:text>
                <code><xsl:value-of select="concat(method, ' ', path)"/></code>
                <xsl:text> · </xsl:text>
                <xsl:value-of select='mkt:tr("expected")'/>
                <xsl:text> HTTP </xsl:text>
                <xsl:value-of select="expected_status"/>
                <xsl:text>, </xsl:text>
                <xsl:value-of select='mkt:tr("answered")'/>
                <xsl:text> </xsl:text>
                <xsl:call-template name="http-answer">
                  <xsl:with-param name="status" select="status"/>
                  <xsl:with-param name="ms" select="ms"/>
                </xsl:call-template>
                <xsl:if test="normalize-space(operation) != ''">
                  <span class="check-message">
                    <xsl:value-of select='mkt:tr("Operation")'/>
                    <xsl:text>: </xsl:text>
                    <code><xsl:value-of select="operation"/></code>
                  </span>
                </xsl:if>
                <xsl:if test="normalize-space(message) != ''">
                  <span class="check-message"><xsl:value-of select="message"/></span>
                </xsl:if>
                <xsl:call-template name="report-findings"><xsl:with-param name="items" select="findings/item"/></xsl:call-template>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:if>
        <xsl:if test="not(reachability) and normalize-space(message) != ''">
          <p class="step-message"><xsl:value-of select="message"/></p>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- 5. Whether a person must approve (approval rules the service meets). -->
  <xsl:template match="approval" mode="step">
    <xsl:variable name="required" select="string(required) = 'true'"/>
    <xsl:call-template name="pipeline-step">
      <xsl:with-param name="state">
        <xsl:choose>
          <xsl:when test="string(ok) = 'false'">failed</xsl:when>
          <xsl:when test="$required">warning</xsl:when>
          <xsl:otherwise>ok</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="title" select='mkt:tr("Approval")'/>
      <xsl:with-param name="summary">
        <xsl:choose>
          <xsl:when test="$required"><xsl:value-of select='mkt:tr("An administrator must approve this version before it is listed.")'/></xsl:when>
          <xsl:otherwise><xsl:value-of select='mkt:tr("No approval needed.")'/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="details">
        <xsl:call-template name="report-violations">
          <xsl:with-param name="items" select="reasons/item"/>
          <xsl:with-param name="severity" select="false()"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="check-mark">
    <xsl:param name="ok"/>
    <span class="check-mark" aria-hidden="true">
      <xsl:choose>
        <xsl:when test="$ok">✓</xsl:when>
        <xsl:otherwise>✕</xsl:otherwise>
      </xsl:choose>
    </span>
    <span class="visually-hidden">
      <xsl:choose>
        <xsl:when test="$ok"><xsl:value-of select='mkt:tr("passed")'/></xsl:when>
        <xsl:otherwise><xsl:value-of select='mkt:tr("failed")'/></xsl:otherwise>
      </xsl:choose>
      <xsl:text>: </xsl:text>
    </span>
  </xsl:template>

  <!-- "HTTP 200 in 21.1 ms", or "no answer" for status 0. -->
  <xsl:template name="http-answer">
    <xsl:param name="status"/>
    <xsl:param name="ms"/>
    <xsl:choose>
      <xsl:when test="number($status) &gt; 0">
        <xsl:value-of select="concat('HTTP ', $status)"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select='mkt:tr("no answer")'/></xsl:otherwise>
    </xsl:choose>
    <xsl:if test="normalize-space($ms) != ''">
      <xsl:text> (</xsl:text>
      <xsl:call-template name="ms"><xsl:with-param name="value" select="$ms"/></xsl:call-template>
      <xsl:text>)</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- Findings [{pointer, message}]: where in the document (a JSON pointer) and what. -->
  <xsl:template name="report-findings">
    <xsl:param name="items"/>
    <xsl:if test="$items">
      <ul class="findings">
        <xsl:for-each select="$items">
          <li>
            <code class="pointer">
              <xsl:choose>
                <xsl:when test="normalize-space(pointer) != ''"><xsl:value-of select="pointer"/></xsl:when>
                <xsl:otherwise>#</xsl:otherwise>
              </xsl:choose>
            </code>
            <xsl:text> </xsl:text>
            <span class="finding-message">
              <xsl:choose>
                <xsl:when test="message"><xsl:value-of select="message"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
              </xsl:choose>
            </span>
          </li>
        </xsl:for-each>
      </ul>
    </xsl:if>
  </xsl:template>

  <!-- Policy violations and approval reasons [{rule, field, severity, message}]. -->
  <xsl:template name="report-violations">
    <xsl:param name="items"/>
    <xsl:param name="severity" select="true()"/>
    <xsl:if test="$items">
      <ul class="violations">
        <xsl:for-each select="$items">
          <li>
            <xsl:if test="$severity and normalize-space(severity) != ''">
              <span class="severity severity-{translate(severity, ' ', '-')}">
                <xsl:choose>
                  <xsl:when test="severity = 'block'"><xsl:value-of select='mkt:tr("blocking")'/></xsl:when>
                  <xsl:when test="severity = 'warn'"><xsl:value-of select='mkt:tr("warning")'/></xsl:when>
                  <xsl:otherwise><xsl:value-of select="severity"/></xsl:otherwise>
                </xsl:choose>
              </span>
              <xsl:text> </xsl:text>
            </xsl:if>
            <span class="violation-message">
              <xsl:choose>
                <xsl:when test="normalize-space(message) != ''"><xsl:value-of select="message"/></xsl:when>
                <xsl:when test="not(*)"><xsl:value-of select="."/></xsl:when>
                <xsl:otherwise><xsl:value-of select="rule"/></xsl:otherwise>
              </xsl:choose>
            </span>
            <xsl:if test="normalize-space(rule) != '' or normalize-space(field) != ''">
              <span class="violation-where">
                <xsl:if test="normalize-space(rule) != ''">
                  <xsl:value-of select='mkt:tr("rule")'/>
                  <xsl:text> </xsl:text>
                  <code><xsl:value-of select="rule"/></code>
                </xsl:if>
                <xsl:if test="normalize-space(rule) != '' and normalize-space(field) != ''">
                  <xsl:text>, </xsl:text>
                </xsl:if>
                <xsl:if test="normalize-space(field) != ''">
                  <xsl:value-of select='mkt:tr("field")'/>
                  <xsl:text> </xsl:text>
                  <code><xsl:value-of select="field"/></code>
                </xsl:if>
              </span>
            </xsl:if>
          </li>
        </xsl:for-each>
      </ul>
    </xsl:if>
  </xsl:template>

  <!-- ===== Small shared helpers ===== -->

  <!-- The registry's view of a service as a badge. -->
  <xsl:template name="registry-status">
    <xsl:param name="status"/>
    <xsl:variable name="s" select="string($status)"/>
    <xsl:variable name="known" select="contains(' unregistered pending registered duplicate failed ', concat(' ', $s, ' '))"/>
    <span class="badge badge-unknown">
      <xsl:if test="$known and $s != ''">
        <xsl:attribute name="class"><xsl:value-of select="concat('badge badge-registry-', $s)"/></xsl:attribute>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="$s = 'unregistered'"><xsl:value-of select='mkt:tr("Not registered")'/></xsl:when>
        <xsl:when test="$s = 'pending'"><xsl:value-of select='mkt:tr("Registration pending")'/></xsl:when>
        <xsl:when test="$s = 'registered'"><xsl:value-of select='mkt:tr("Registered")'/></xsl:when>
        <xsl:when test="$s = 'duplicate'"><xsl:value-of select='mkt:tr("Duplicate")'/></xsl:when>
        <xsl:when test="$s = 'failed'"><xsl:value-of select='mkt:tr("Registration failed")'/></xsl:when>
        <xsl:when test="$s = ''"><xsl:call-template name="none"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <!-- An ISO timestamp as "YYYY-MM-DD HH:MM" (with "UTC" when it is); empty or null shows an em dash. -->
  <xsl:template name="datetime">
    <xsl:param name="value"/>
    <xsl:param name="none" select='mkt:tr("not set")'/>
    <xsl:variable name="v" select="normalize-space($value)"/>
    <xsl:choose>
      <xsl:when test="$v = ''">
        <xsl:call-template name="none"><xsl:with-param name="title" select="$none"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="translate(substring($v, 1, 16), '0123456789', '0000000000') = '0000-00-00T00:00'">
        <time datetime="{$v}">
          <xsl:value-of select="concat(substring($v, 1, 10), ' ', substring($v, 12, 5))"/>
          <xsl:if test="contains(substring($v, 17), '+00:00') or substring($v, string-length($v)) = 'Z'"> UTC</xsl:if>
        </time>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Milliseconds to a tenth, in the page language: "21.1 ms" / "21,1 ms". -->
  <xsl:template name="ms">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="string(number($value)) = 'NaN'"><xsl:value-of select="$value"/></xsl:when>
      <xsl:when test="$lang = 'de'"><xsl:value-of select="format-number($value, '#.##0,0', 'de')"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="format-number($value, '#,##0.0')"/></xsl:otherwise>
    </xsl:choose>
    <xsl:text> ms</xsl:text>
  </xsl:template>

  <xsl:template name="yes-no">
    <xsl:param name="flag"/>
    <xsl:choose>
      <xsl:when test="string($flag) = 'true'"><xsl:value-of select='mkt:tr("yes")'/></xsl:when>
      <xsl:when test="string($flag) = 'false'"><xsl:value-of select='mkt:tr("no")'/></xsl:when>
      <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
